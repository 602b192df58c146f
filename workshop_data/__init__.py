"""Intake: reading surveys and contact logs, the codebook, privacy scrubbing, sample data.

Knows nothing of clustering, personas, exports or any user interface.
"""
