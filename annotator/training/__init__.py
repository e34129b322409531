"""Training and evaluation: what `make train`, `make eval` and `make bench` use and inference
never imports. ``train`` fine-tunes and calibrates a model (``soup`` averages the weights of
several runs into one); ``evaluate`` runs the full pipeline on gold articles, ``align``s its
sentences to the gold ones and scores them with ``metrics`` beside the ``baselines``;
``report`` writes metrics.json, report.md, the plots and the model card; ``bench`` times the
inference backends. The thin scripts in ``training/`` and ``eval/`` parse arguments and call
these modules.
"""
