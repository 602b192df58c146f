"""Personas: the workshop model, the archetype library and matching, operations, narrative, store.

Plain Python on dataclasses; knows nothing of exports or any user interface.
"""
