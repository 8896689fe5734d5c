"""The bottom layer: errors and their words, limits on what one answer may cost, the cache registry."""
