"""The static site: `vaultkit build` and `vaultkit serve`.

A pipeline in the Quartz style: sync the index, read every note (`content`), filter
what may be published (`privacy`), compute vaultkit's networking model
(network, agenda, paths, stats) over the published notes only, then
emit pages (`pages` + Jinja2 templates) through one write-if-changed output
(`output`). See docs/site.md.
"""

from .build import BuildReport, Publication, Site, build_site

__all__ = ["BuildReport", "Publication", "Site", "build_site"]
