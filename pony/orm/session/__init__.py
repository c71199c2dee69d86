"""Sessions (layer L4b): db_session, identity map, object state, flush and transactions."""
