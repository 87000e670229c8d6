"""规则引擎 (rules engine): official criteria as versioned, explainable, tested rule sets.

`gaoxin.rules.engine` is plain Python (no Django); `gaoxin.rules.rulesets` holds the shipped rule-set documents.
The Django side (published versions, the `evaluate_rules` command, the API, the editor, registry-wide runs) builds
on the engine's public API, documented in `gaoxin/rules/engine/__init__.py`. Keep this module free of imports.
"""
