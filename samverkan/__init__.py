"""Samverkan: the collaboration between a Swedish region and its municipalities, run and published."""
