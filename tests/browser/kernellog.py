"""What the kernels of a page say, read from their websockets.

That is: errors, stderr, and when the kernel has finished handling a widget update.

An exception inside a widget callback never reaches a cell's output area (JupyterLab sends
it to the log console), so the browser tests read the kernel's messages themselves.
"""

from __future__ import annotations

import contextlib
import json
import re
from dataclasses import dataclass, field

__all__ = ["KernelLog"]


def _parse_frame(payload):
    """(channel, header, parent_header, content) of a kernel websocket message."""
    if isinstance(payload, str):  # legacy JSON protocol
        msg = json.loads(payload)
        return msg["channel"], msg["header"], msg["parent_header"], msg["content"]
    # v1.kernel.websocket.jupyter.org: n, n offsets, then channel|header|parent|meta|content
    count = int.from_bytes(payload[:8], "little")
    offsets = [int.from_bytes(payload[8 * i:8 * i + 8], "little") for i in range(1, count + 1)]
    parts = [payload[a:b] for a, b in zip(offsets, offsets[1:])]
    return (parts[0].decode(), *(json.loads(part) for part in parts[1:3]), json.loads(parts[4]))


@dataclass
class KernelLog:
    """Every error and stderr message any kernel of the page sent, with what caused it.

    Not counted: the kernel's complaint about the widget manager's ``jupyter.widget.control``
    comm, which JupyterLab opens before the notebook has imported ipywidgets (harmless).
    """

    problems: list = field(default_factory=list)
    sent: list = field(default_factory=list)  # msg_ids of comm messages (widget updates) sent
    handled: set = field(default_factory=set)  # msg_ids the kernel has gone idle after
    executed: list = field(default_factory=list)  # msg_ids of execute_requests (cells run)
    _control_comms: set = field(default_factory=set)

    def all_handled(self, since):
        """Whether the kernel has finished every comm message sent after ``sent[since]``."""
        pending = self.sent[since:]
        return bool(pending) and all(msg_id in self.handled for msg_id in pending)

    def attach(self, page):
        page.on("websocket", self._on_websocket)
        return self

    def _on_websocket(self, ws):
        if "/api/kernels/" in ws.url and "/channels" in ws.url:
            ws.on("framereceived", self._on_frame)
            ws.on("framesent", self._on_sent)

    def _on_sent(self, payload):
        with contextlib.suppress(ValueError, KeyError, IndexError, UnicodeDecodeError):
            _, header, _, content = _parse_frame(payload)
            if header["msg_type"] == "comm_msg":
                self.sent.append(header["msg_id"])
            elif header["msg_type"] == "execute_request":
                self.executed.append(header["msg_id"])
            if (header["msg_type"] == "comm_open"
                    and content.get("target_name") == "jupyter.widget.control"):
                self._control_comms.add(content["comm_id"])

    def _harmless(self, text):
        if "No such comm target registered: jupyter.widget.control" in text:
            return True
        match = re.match(r"No such comm: (\S+)", text)
        return bool(match) and match.group(1) in self._control_comms

    def _on_frame(self, payload):
        try:
            channel, header, parent, content = _parse_frame(payload)
        except (ValueError, KeyError, IndexError, UnicodeDecodeError):
            return
        if channel != "iopub" or not isinstance(parent, dict):
            return
        kind, cause = header.get("msg_type"), parent.get("msg_type", "?")
        if kind == "status" and content.get("execution_state") == "idle":
            self.handled.add(parent.get("msg_id"))
        elif kind == "error":
            self.problems.append(f"{content.get('ename')}: {content.get('evalue')} "
                                 f"(from {cause})")
        elif kind == "stream" and content.get("name") == "stderr":
            text = content.get("text", "").strip()
            if not self._harmless(text):
                self.problems.append(f"stderr: {text} (from {cause})")
