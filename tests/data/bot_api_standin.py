"""A small Telegram Bot API stand-in served on 127.0.0.1 (http.server in a thread), for tests.

It answers getUpdates (honouring ``offset`` as Telegram does), getFile, file downloads,
sendMessage and sendDocument with real-shaped JSON, records every call, and can be told to fail.
"""

from __future__ import annotations

import json
import threading
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOKEN = "123456:TEST-token-do-not-print"
USER = {"id": 555001, "is_bot": False, "first_name": "Иван", "last_name": "Петров", "username": "ivanp", "language_code": "ru"}
CHAT = {"id": 555001, "first_name": "Иван", "last_name": "Петров", "username": "ivanp", "type": "private"}


def text_update(update_id: int, message_id: int, text: str, *, user=USER, chat=CHAT, date: int = 1795590000) -> dict:
    return {"update_id": update_id, "message": {"message_id": message_id, "from": user, "chat": chat, "date": date, "text": text}}


def photo_update(update_id: int, message_id: int, caption: str, file_id: str = "AgACAgIAAxkBAAIBphoto") -> dict:
    return {
        "update_id": update_id,
        "message": {
            "message_id": message_id, "from": USER, "chat": CHAT, "date": 1795590100, "caption": caption,
            "photo": [
                {"file_id": file_id + "-s", "file_unique_id": "AQADsmall", "file_size": 900, "width": 90, "height": 51},
                {"file_id": file_id, "file_unique_id": "AQADbig", "file_size": 4096, "width": 1280, "height": 720},
            ],
        },
    }  # fmt: skip


def document_update(update_id: int, message_id: int, file_id: str, name: str, size: int, mime="application/octet-stream") -> dict:
    return {
        "update_id": update_id,
        "message": {
            "message_id": message_id, "from": USER, "chat": CHAT, "date": 1795590200,
            "document": {"file_name": name, "mime_type": mime, "file_id": file_id, "file_unique_id": "AgADdoc" + file_id[-3:],
                         "file_size": size},
        },
    }  # fmt: skip


class BotApiStandIn:
    def __init__(self):
        self.updates: list[dict] = []
        self.files: dict[str, tuple[str, bytes]] = {}  # file_id -> (file_path, bytes)
        self.calls: list[tuple[str, dict]] = []
        # method or "download" -> (HTTP status, JSON answer, or bytes sent as they are)
        self.fail: dict[str, tuple[int, dict | bytes]] = {}
        self.blocked_chats: set[str] = set()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> BotApiStandIn:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def add_file(self, file_id: str, data: bytes, path: str | None = None) -> None:
        self.files[file_id] = (path or f"documents/file_{len(self.files)}.bin", data)

    def sent(self, method: str) -> list[dict]:
        return [params for name, params in self.calls if name == method]

    def _handler(self):
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output quiet
                pass

            def _json(self, status: int, payload: dict | bytes) -> None:
                body = payload if isinstance(payload, bytes) else json.dumps(payload, ensure_ascii=False).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                prefix = f"/file/bot{TOKEN}/"
                if not self.path.startswith(prefix):
                    return self._json(404, {"ok": False, "error_code": 404, "description": "Not Found"})
                api.calls.append(("download", {"path": self.path[len(prefix):]}))
                if "download" in api.fail:
                    status, answer = api.fail["download"]
                    return self._json(status, answer)
                for path, data in api.files.values():
                    if path == self.path[len(prefix):]:
                        self.send_response(200)
                        self.send_header("Content-Length", str(len(data)))
                        self.end_headers()
                        self.wfile.write(data)
                        return
                return self._json(404, {"ok": False, "error_code": 404, "description": "Not Found"})

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                if not self.path.startswith(f"/bot{TOKEN}/"):
                    return self._json(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
                method = self.path.rsplit("/", 1)[1]
                ctype = self.headers.get("Content-Type", "")
                if ctype.startswith("multipart/form-data"):
                    msg = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {ctype}\r\n\r\n".encode() + raw)
                    params = {}
                    for part in msg.iter_parts():
                        name = part.get_param("name", header="content-disposition")
                        if part.get_filename():
                            params[name] = {"filename": part.get_filename(), "data": part.get_payload(decode=True)}
                        else:
                            params[name] = part.get_payload(decode=True).decode("utf-8")
                else:
                    params = json.loads(raw or b"{}")
                api.calls.append((method, params))
                if method in api.fail:
                    status, answer = api.fail[method]
                    return self._json(status, answer)
                if method == "getUpdates":
                    offset = params.get("offset") or 0
                    return self._json(200, {"ok": True, "result": [u for u in api.updates if u["update_id"] >= offset]})
                if method == "getFile":
                    file_id = params.get("file_id")
                    if file_id not in api.files:
                        return self._json(400, {"ok": False, "error_code": 400, "description": "Bad Request: invalid file_id"})
                    path, data = api.files[file_id]
                    return self._json(200, {"ok": True, "result": {"file_id": file_id, "file_unique_id": "u" + file_id[-4:],
                                                                   "file_size": len(data), "file_path": path}})
                if method in ("sendMessage", "sendDocument"):
                    if str(params.get("chat_id")) in api.blocked_chats:
                        return self._json(403, {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"})
                    return self._json(200, {"ok": True, "result": {"message_id": len(api.calls), "chat": {"id": params.get("chat_id")},
                                                                   "date": 1795590300, "text": params.get("text", "")}})
                return self._json(404, {"ok": False, "error_code": 404, "description": "Not Found: method not found"})

        return Handler
