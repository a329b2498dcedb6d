"""The review loop: reviewers' decisions back into the models, and routing accuracy over rounds.

    workbook_import  filled workbook → Review records, validated as a whole (one error listing every bad row);
                     the layout it reads is pipeline/review_layout.py, shared with the report
    from_export      the web app's exported review rows → Review records, stored like a workbook import
    store            Review records per round on disk (data/feedback/<round>.jsonl + imports.jsonl), atomic writes
    corrections      reviews + the round's submissions → labeled texts (data/corpus/feedback/<round>.jsonl)
    loop             the import one way through: read → validate → reviews + corrections → write
    promote          the promotion rule, the comparison and the MLflow registry (alias ``champion``)
    retrain          prepare → train a candidate → compare with the champion on the same test → promote
    rounds           routing precision and recall per unit and round, where submissions were moved (HTML, CSV)
    next_to_label    which unreviewed submissions reviewers should check first
    commands         the ``feedback`` command group and ``retrain``
"""
