"""`python -m app.cli`: the `aetherflow` console script, as `up` starts its children."""

from app.cli import main

main()
