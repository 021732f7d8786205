"""Skills: SKILL.md manifests, discovery, validation, trust and lazy loading."""
