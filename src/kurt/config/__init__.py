"""Where Kurt's files are, reading kurt.toml, the configuration model, skill
settings and safe edits of kurt.toml."""
