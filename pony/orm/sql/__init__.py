"""SQL layer (L1): the SQL AST, the generic compiler, ``$`` parameters and the schema model."""
