"""What the two HTTP faces (REST in app.api, GraphQL in schema) share: the tenant path, the
body-size step, JSON input rules and key verification. Neither face imports the other."""
