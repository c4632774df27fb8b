"""Helpers every language extractor shares, kept in one place so a fix reaches all languages at once."""
