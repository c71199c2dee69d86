"""Database providers (layer L2): the only place that names a specific database."""

# The provider packages here, in the order error messages list them (bind() and URL schemes look them up).
PROVIDER_NAMES = ("sqlite", "postgres", "mysql", "oracle", "cockroach")
