"""Clustering: feature encoding, the methods behind one interface, choice of k, stability, profiles.

Plain Python on DataFrames and NumPy; knows nothing of personas, exports or any user interface.
"""
