"""Tooling that builds the repository: notebook runner and plan, nbval modes, Colab cells, site.

No notebook imports this package; the course library is ``cnnlab``. Command line:
``python -m cnnlab_build {run,plan,list,colab,site} ...`` (what the Makefile calls).
"""
