"""IMS QTI import and export: the public entry points.

* `read_qti_package` / `read_qti_xml`: QTI 2.1, 2.2 and 3.0 items (choice,
  order, match, associate, text entry, inline choice) into a Bank, with the
  images they show (`Bank.media`) and the shared stimulus each refers to.
* `qti_item_to_item`: one item document into an Item.
* `write_qti3_package`: a Bank as a deterministic QTI 3.0 content package that
  validates against the QTI 3.0 schemas and that Certify re-imports exactly.
"""

from __future__ import annotations

from certify.interop.qti_package import read_qti_package, read_qti_xml, write_qti3_package
from certify.interop.qti_read import qti_item_to_item

__all__ = ["qti_item_to_item", "read_qti_package", "read_qti_xml", "write_qti3_package"]
