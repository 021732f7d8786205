"""What a SKILL.md says: its front matter read safely, the manifest model and
its plain twin, the rules a manifest is checked against, and the strict open
Agent Skills format. Nothing here knows where a skill was found or which wins."""
