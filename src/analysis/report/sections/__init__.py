"""One module per part of a report; each ``*_section(rep)`` returns escaped HTML.

``front`` (title block, executive summary, reporting period, glossary),
``implementer`` (key figures, mandates, actions), ``milestones`` (timeline,
late and in-progress milestones), ``figures`` (indicators, key indicators,
voting abroad), ``program`` (coverage, who reported), ``annex`` (data-quality
notes, changes, sources).
"""
