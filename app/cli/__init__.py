"""`aetherflow`: the operator CLI (CONTRACT.md §11). Commands parse, call a service, print."""

from app.cli.root import Invocation, main, parse, run

__all__ = ["Invocation", "main", "parse", "run"]
