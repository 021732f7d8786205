"""What a skill codes against: tools, engines, their context, results and progress.

This floor imports nothing of Kurt but :mod:`kurt.errors` and :mod:`kurt.kinds`
(import-linter checks it), so a skill's contract never drags in discovery,
configuration or the CLI.
"""
