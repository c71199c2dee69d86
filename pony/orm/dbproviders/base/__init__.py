"""Shared provider machinery: the provider base class, pool, converters and error wrapping."""
