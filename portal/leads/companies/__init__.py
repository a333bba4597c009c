"""Aftercare: the investor companies already here, their visits and early warnings."""
