"""The ``hello`` Kurt skill, installable with pip.

This package is a skill folder: SKILL.md and skill.py live beside this file.
Kurt finds it through the ``kurt.skills`` entry point without importing it,
and imports ``skill.py`` the first time the ``hello`` tool is used.
"""
