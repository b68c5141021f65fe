"""The registrar admin (one module per model group) and the two admin sites. Every module of the
package is imported, so that its ModelAdmins register themselves on the sites."""

import importlib
import pkgutil

from academics.admin.sites import platform_site, registrar_site

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")

__all__ = ["platform_site", "registrar_site"]
