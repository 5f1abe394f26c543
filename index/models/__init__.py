"""Models: the ONNX runtime pieces both the stores and the judging use.

The sentence encoder of semantic mode (``semantic``) and what every shipped model file needs
(``runtime``: its sha256 check, the on/off switch, running off the event loop).
"""
