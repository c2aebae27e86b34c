"""Pure version and tag choice: given what a registry published, which exact version to write.

One module per ecosystem (:mod:`depcheck.suggest.docker` for image tags). Nothing here touches
the network, the clock or the environment: everything a choice depends on arrives as arguments
(the registry facts and a :class:`~depcheck.policy.Policy`).
"""
