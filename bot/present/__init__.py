"""Presentation: reports, answers and the message catalogues, in Chinese and English."""
