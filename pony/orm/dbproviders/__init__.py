"""Database providers (layer L2): the only place that names a specific database."""
