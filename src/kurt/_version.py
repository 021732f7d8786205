__version__ = "0.1.0"

#: The distribution that installs the ``kurt`` command and package: ``kurt`` on
#: the package index is an unrelated project. ``kurt --version`` names it.
DISTRIBUTION = "kurt-skills"
