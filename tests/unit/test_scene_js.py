"""The browser's number format (static/scene.js, run by Node.js) against the kernel's."""

import json
import shutil
import subprocess

import pytest

from gdviz.widgets.scene import STATIC

NODE = shutil.which("node")

VALUES = [3.3e-6, -2.5e-7, 1e-16, 9.9996e-5, 0.1995, 0.30017, 0.5, 12345.678, 123456.7, 7.0]


@pytest.mark.skipif(NODE is None, reason="Node.js is not installed (make test-hub installs npm)")
@pytest.mark.parametrize("exact", [False, True])
def test_the_browser_writes_a_value_as_the_kernel_does(exact):
    script = (
        f"import {{ formatValue }} from {json.dumps((STATIC / 'scene.js').as_uri())};"
        f"console.log(JSON.stringify({json.dumps(VALUES)}.map((v) => formatValue(v, {str(exact).lower()}))));"
    )
    shown = subprocess.run(
        [NODE, "--input-type=module", "-e", script], capture_output=True, text=True, check=True
    ).stdout
    expected = [
        str(int(v)) if v.is_integer() else format(v, ".6g" if exact else ".3g") for v in VALUES
    ]
    assert json.loads(shown) == expected
