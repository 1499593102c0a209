"""A fake Discord on 127.0.0.1: a gateway websocket and the REST routes citebot uses.

The real discord.py client connects to it unchanged (only its base URLs differ), so the
tests exercise the bot end to end. Every REST request is recorded with its decoded JSON
body (or a multipart request's `payload_json`) so tests can assert on what the bot sent.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from aiohttp import WSMsgType, web

APP_ID = 900000000000000001
BOT_ID = APP_ID  # a bot user shares its application's id
GUILD_ID = 900000000000000100
CHANNEL_ID = 900000000000000200
ADMIN_ID = 900000000000000301
MEMBER_ID = 900000000000000302
ROLE_ID = 123  # the role tests try to ping with <@&123>
TOKEN = "fake-bot-token"
TIMESTAMP = "2025-01-01T00:00:00.000000+00:00"

VIEW_CHANNEL, SEND_MESSAGES, USE_APP_COMMANDS, MANAGE_GUILD = 1 << 10, 1 << 11, 1 << 31, 1 << 5
MEMBER_PERMISSIONS = VIEW_CHANNEL | SEND_MESSAGES | USE_APP_COMMANDS
ADMIN_PERMISSIONS = MEMBER_PERMISSIONS | MANAGE_GUILD

# Interaction callback types (https://discord.com/developers/docs/interactions/receiving-and-responding)
CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE, AUTOCOMPLETE_RESULT = 4, 5, 6, 7, 8
APPLICATION_COMMAND_AUTOCOMPLETE = 4  # the interaction type of a user typing into an option with autocomplete
EPHEMERAL = 64


@dataclass
class Request:
    method: str
    path: str  # without the /api/v10 prefix
    query: dict[str, str]
    json: Any
    files: tuple[bytes, ...] = ()  # the files a multipart request uploaded, in order

    @property
    def sends_message(self) -> bool:
        """Whether this request puts text in front of users (and so must not ping)."""
        if self.method == "POST" and self.path.endswith("/callback"):
            return self.json.get("type") in (CHANNEL_MESSAGE, UPDATE_MESSAGE)
        if self.path.endswith("/threads"):
            return False
        return self.method in ("POST", "PATCH") and (
            self.path.startswith("/webhooks/") or re.fullmatch(r"/channels/\d+/messages", self.path) is not None
        )

    @property
    def message(self) -> dict:
        """The message fields sent: a callback's `data`, else the body."""
        return (self.json.get("data") or {}) if self.path.endswith("/callback") else self.json

    def text(self) -> str:
        """Content plus every embed's text, to search what a user would read."""
        message = self.message
        parts = [message.get("content") or ""]
        for embed in message.get("embeds") or []:
            parts += [embed.get("title", ""), embed.get("description", ""), embed.get("url", "")]
            parts += [embed.get("footer", {}).get("text", "")]
            parts += [f"{f['name']} {f['value']}" for f in embed.get("fields", [])]
        return "\n".join(p for p in parts if p)

    def custom_ids(self) -> list[str]:
        return [
            c["custom_id"]
            for row in self.message.get("components") or []
            for c in row.get("components", [])
            if "custom_id" in c
        ]


@dataclass(frozen=True)
class InteractionHandle:
    id: int
    token: str


def user_payload(user_id: int, name: str, *, bot: bool = False) -> dict:
    return {
        "id": str(user_id),
        "username": name,
        "discriminator": "0",
        "global_name": name,
        "avatar": None,
        "bot": bot,
        "public_flags": 0,
    }


USERS = {
    BOT_ID: user_payload(BOT_ID, "citebot", bot=True),
    ADMIN_ID: user_payload(ADMIN_ID, "admin"),
    MEMBER_ID: user_payload(MEMBER_ID, "member"),
}
PERMISSIONS = {ADMIN_ID: ADMIN_PERMISSIONS, MEMBER_ID: MEMBER_PERMISSIONS, BOT_ID: ADMIN_PERMISSIONS}


def member_payload(user_id: int) -> dict:
    return {
        "user": USERS[user_id],
        "roles": [],
        "joined_at": TIMESTAMP,
        "deaf": False,
        "mute": False,
        "flags": 0,
        "permissions": str(PERMISSIONS[user_id]),
    }


def shard_of(guild_id: int, shard_count: int) -> int:
    """The shard Discord sends a server's events to."""
    return (guild_id >> 22) % shard_count


def guild_on_shard(shard_id: int, shard_count: int) -> int:
    """A server id (GUILD_ID or one near it) whose events go to shard `shard_id` of `shard_count`."""
    return next(g for g in (GUILD_ID + (k << 22) for k in range(shard_count)) if shard_of(g, shard_count) == shard_id)


def channel_of(guild_id: int) -> int:
    """Each server's one text channel (GUILD_ID's is CHANNEL_ID)."""
    return guild_id + (CHANNEL_ID - GUILD_ID)


def channel_payload(channel_id: int = CHANNEL_ID, name: str = "general", guild_id: int = GUILD_ID) -> dict:
    return {
        "id": str(channel_id),
        "type": 0,
        "guild_id": str(guild_id),
        "name": name,
        "position": 0,
        "permission_overwrites": [],
        "nsfw": False,
        "parent_id": None,
        "rate_limit_per_user": 0,
        "topic": None,
        "last_message_id": None,
    }


@dataclass
class Connection:
    """One gateway websocket, and the shard [id, count] it identified as ([0, 1] without a shard)."""

    ws: web.WebSocketResponse
    shard: tuple[int, int] = (0, 1)
    seq: int = 0


class FakeDiscord:
    """`guilds`: the servers the bot is in (each goes to the shard that owns it); `recommended_shards`:
    the shard count GET /gateway/bot recommends."""

    def __init__(
        self, *, heartbeat_interval: float = 41.25, guilds: tuple[int, ...] = (GUILD_ID,), recommended_shards: int = 1
    ) -> None:
        self.heartbeat_interval = heartbeat_interval
        self.guilds = guilds
        self.recommended_shards = recommended_shards
        self.connections: dict[int, Connection] = {}  # shard id -> its identified, open websocket
        self.events: list[tuple[int, str]] = []  # (shard id, event name) of every dispatch
        self.requests: list[Request] = []
        self.unhandled: list[Request] = []
        self.heartbeats: list[float] = []
        self.identifies: list[dict] = []
        self.gateway_queries: list[dict[str, str]] = []
        self.messages: dict[int, dict] = {}
        self.threads: dict[int, dict] = {}
        self.commands: dict[int | None, list[dict]] = {}  # guild id (None: global) -> registered commands
        self.attachments: dict[int, tuple[str, bytes]] = {}
        self._ids = itertools.count(950000000000000000)
        self._send_lock = asyncio.Lock()
        self._originals: dict[str, int] = {}  # interaction token -> @original message id (a button's: its message)
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.loop: asyncio.AbstractEventLoop | None = None

    # --- lifecycle -------------------------------------------------------------------------

    async def __aenter__(self) -> FakeDiscord:
        self.loop = asyncio.get_running_loop()
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_get("/attachments/{id}/{name}", self._attachment)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def __aexit__(self, *exc: object) -> None:
        for connection in list(self.connections.values()):
            await connection.ws.close()
        assert self._runner is not None
        await self._runner.cleanup()

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    def next_id(self) -> int:
        return next(self._ids)

    # --- gateway ---------------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        connection = Connection(ws)
        self.gateway_queries.append(dict(request.query))
        await self._send(ws, {"op": 10, "d": {"heartbeat_interval": int(self.heartbeat_interval * 1000)}})
        async for msg in ws:
            if msg.type is not WSMsgType.TEXT:
                continue
            payload = json.loads(msg.data)
            if payload["op"] == 1:
                self.heartbeats.append(time.monotonic())
                await self._send(ws, {"op": 11})
            elif payload["op"] == 2:
                self.identifies.append(payload["d"])
                await self._ready(connection, payload["d"])
        if self.connections.get(connection.shard[0]) is connection:
            del self.connections[connection.shard[0]]
        return ws

    async def _ready(self, connection: Connection, identify: dict) -> None:
        if identify.get("token") != TOKEN:
            await connection.ws.close(code=4004, message=b"Authentication failed.")
            return
        shard_id, shard_count = connection.shard = tuple(identify.get("shard", (0, 1)))
        assert 0 <= shard_id < shard_count, f"IDENTIFY with shard {identify['shard']}"
        self.connections[shard_id] = connection
        owned = [g for g in self.guilds if shard_of(g, shard_count) == shard_id]
        ready = {
            "v": 10,
            "user": USERS[BOT_ID],
            "guilds": [{"id": str(g), "unavailable": True} for g in owned],
            "session_id": f"fake-session-{shard_id}",
            "resume_gateway_url": self.gateway_url,
            "application": {"id": str(APP_ID), "flags": 0},
        }
        if "shard" in identify:
            ready["shard"] = [shard_id, shard_count]
        await self.dispatch("READY", ready, shard=shard_id)
        for guild_id in owned:
            await self.dispatch("GUILD_CREATE", self._guild(guild_id), shard=shard_id)

    def _guild(self, guild_id: int = GUILD_ID) -> dict:
        everyone = {
            "id": str(guild_id),
            "name": "@everyone",
            "permissions": str(MEMBER_PERMISSIONS),
            "position": 0,
            "color": 0,
            "hoist": False,
            "managed": False,
            "mentionable": False,
            "flags": 0,
        }
        volunteers = {**everyone, "id": str(ROLE_ID), "name": "volunteers", "position": 1, "mentionable": True}
        return {
            "id": str(guild_id),
            "name": "Fake Guild" if guild_id == GUILD_ID else f"Fake Guild {guild_id}",
            "owner_id": str(ADMIN_ID),
            "unavailable": False,
            "member_count": 3,
            "roles": [everyone, volunteers],
            "channels": [channel_payload(channel_of(guild_id), guild_id=guild_id)],
            "threads": [t for t in self.threads.values() if t["guild_id"] == str(guild_id)],
            "members": [member_payload(BOT_ID)],
            "features": [],
            "emojis": [],
            "stickers": [],
            "preferred_locale": "en-US",
        }

    async def dispatch(self, event: str, data: dict, *, shard: int | None = None) -> None:
        """Send `event` on shard `shard`'s websocket; by default on the one that owns `data`'s server
        (shard 0 for a DM), as Discord does."""
        if shard is None:
            shard = self.shard_for(int(data["guild_id"])) if data.get("guild_id") else 0
        connection = self.connections.get(shard)
        assert connection is not None, f"no client runs shard {shard} (connected: {sorted(self.connections)})"
        connection.seq += 1
        self.events.append((shard, event))
        await self._send(connection.ws, {"op": 0, "t": event, "s": connection.seq, "d": data})

    def shard_for(self, guild_id: int) -> int:
        """The connected shard that owns a server (every client identifies with the same shard count)."""
        counts = {c.shard[1] for c in self.connections.values()}
        assert len(counts) == 1, f"connected shards disagree on the shard count: {counts or 'none connected'}"
        return shard_of(guild_id, counts.pop())

    async def _send(self, ws: web.WebSocketResponse, payload: dict) -> None:
        async with self._send_lock:
            if not ws.closed:
                await ws.send_str(json.dumps(payload))

    # --- injected events ---------------------------------------------------------------------

    async def slash(
        self,
        name: str,
        *,
        user: int = MEMBER_ID,
        locale: str = "en-US",
        subcommand: str | None = None,
        resolved: dict | None = None,
        guild: int = GUILD_ID,
        members: dict[str, int] | None = None,
        **options: Any,
    ) -> InteractionHandle:
        """A user runs /name (or /name subcommand) with `options` (an attachment option: add_attachment's dict;
        a user option: in `members`, option name -> user id), in `guild` (another id: a server the bot's cache
        has never seen, as after a restart)."""
        opts = [
            {"name": k, "type": _option_type(v), "value": v["id"] if isinstance(v, dict) else v}
            for k, v in options.items()
        ]
        for option, user_id in (members or {}).items():
            opts.append({"name": option, "type": 6, "value": str(user_id)})
            users = {**(resolved or {}).get("users", {}), str(user_id): USERS[user_id]}
            resolved = {**(resolved or {}), "users": users}
        attachments = {v["id"]: v for v in options.values() if isinstance(v, dict)}
        if attachments:
            resolved = {**(resolved or {}), "attachments": attachments}
        if subcommand:
            opts = [{"name": subcommand, "type": 1, "options": opts}]
        data = {**self._command_ref(name), "type": 1, "options": opts}
        if resolved:
            data["resolved"] = resolved
        return await self._interact(2, data, user, locale, guild=guild)

    async def autocomplete(
        self,
        name: str,
        option: str,
        typed: str,
        *,
        subcommand: str | None = None,
        option_type: int = 3,
        user: int = MEMBER_ID,
        locale: str = "en-US",
        guild: int = GUILD_ID,
    ) -> InteractionHandle:
        """A user types `typed` into option `option` (of type `option_type`; Discord sends the typed text
        unvalidated, a string even for an integer option) of /name (or /name subcommand)."""
        opts = [{"name": option, "type": option_type, "value": typed, "focused": True}]
        if subcommand:
            opts = [{"name": subcommand, "type": 1, "options": opts}]
        data = {**self._command_ref(name), "type": 1, "options": opts}
        return await self._interact(APPLICATION_COMMAND_AUTOCOMPLETE, data, user, locale, guild=guild)

    async def choices(self, handle: InteractionHandle, timeout: float = 10.0) -> list[dict]:
        """The choices of the bot's autocomplete answer to `handle` (an interaction callback of type 8)."""

        def answered() -> list[Request]:
            return [r for r in self.for_interaction(handle) if r.path.endswith("/callback")]

        (callback,) = await self.wait_for(answered, timeout, f"the autocomplete answer to {handle.id}")
        assert callback.json["type"] == AUTOCOMPLETE_RESULT, callback.json
        return callback.json["data"]["choices"]

    async def message_command(self, name: str, target: dict, *, user: int = MEMBER_ID) -> InteractionHandle:
        """A user picks `name` from a message's Apps menu."""
        data = {
            **self._command_ref(name),
            "type": 3,
            "target_id": target["id"],
            "resolved": {"messages": {target["id"]: target}},
        }
        return await self._interact(2, data, user, "en-US")

    async def click(
        self, message_id: int, custom_id: str, *, user: int = MEMBER_ID, locale: str = "en-US"
    ) -> InteractionHandle:
        """A user clicks the button `custom_id` on a message the bot sent."""
        message = self.messages[message_id]
        assert custom_id in Request("POST", "", {}, message).custom_ids(), f"{custom_id} is not on message {message_id}"
        return await self._interact(3, {"custom_id": custom_id, "component_type": 2}, user, locale, message=message)

    async def user_message(
        self,
        content: str,
        *,
        channel_id: int | None = None,
        user: int = MEMBER_ID,
        mention_bot: bool = True,
        guild: int = GUILD_ID,
    ) -> dict:
        """A user posts `content` in a channel (or thread) of `guild` (default: its one channel);
        the bot hears MESSAGE_CREATE."""
        channel_id = channel_of(guild) if channel_id is None else channel_id
        message = self._message(channel_id, {"content": content}, author=USERS[user], guild=guild)
        message["member"] = {k: v for k, v in member_payload(user).items() if k != "user"}
        message["mentions"] = [USERS[BOT_ID]] if mention_bot else []
        self.messages[int(message["id"])] = message
        await self.dispatch("MESSAGE_CREATE", message)
        return message

    def add_attachment(self, filename: str, data: bytes) -> dict:
        attachment_id = self.next_id()
        self.attachments[attachment_id] = (filename, data)
        url = f"http://127.0.0.1:{self.port}/attachments/{attachment_id}/{filename}"
        return {
            "id": str(attachment_id),
            "filename": filename,
            "size": len(data),
            "url": url,
            "proxy_url": url,
            "content_type": "text/plain; charset=utf-8",
        }

    def _command_ref(self, name: str) -> dict:
        """How an interaction names a command: its id and name, and its guild when registered on one."""
        registered = [c for cmds in self.commands.values() for c in cmds if c["name"] == name]
        assert registered, f"/{name} was never registered with Discord"
        return {key: registered[0][key] for key in ("id", "name", "guild_id") if key in registered[0]}

    async def _interact(
        self, kind: int, data: dict, user: int, locale: str, message: dict | None = None, guild: int = GUILD_ID
    ) -> InteractionHandle:
        handle = InteractionHandle(self.next_id(), f"token-{self.next_id()}")
        payload = {
            "id": str(handle.id),
            "application_id": str(APP_ID),
            "type": kind,
            "token": handle.token,
            "version": 1,
            "data": data,
            "guild_id": str(guild),
            "channel_id": str(channel_of(guild)),
            "channel": channel_payload(channel_of(guild), guild_id=guild),
            "member": member_payload(user),
            "app_permissions": str(ADMIN_PERMISSIONS),
            "locale": locale,
            "guild_locale": "en-US",
            "entitlements": [],
            "authorizing_integration_owners": {"0": str(guild)},
            "context": 0,
            "attachment_size_limit": 10 * 1024 * 1024,
        }
        if message is not None:
            payload["message"] = message
            self._originals[handle.token] = int(message["id"])
        await self.dispatch("INTERACTION_CREATE", payload)
        return handle

    # --- what the bot sent --------------------------------------------------------------------

    def for_interaction(self, handle: InteractionHandle) -> list[Request]:
        """Callback and followup/edit requests for one interaction, in order."""
        return [r for r in self.requests if f"/{handle.token}" in r.path]

    def sent_messages(self) -> list[Request]:
        return [r for r in self.requests if r.sends_message]

    async def wait_for(self, predicate: Callable[[], Any], timeout: float = 10.0, what: str = "condition") -> Any:
        deadline = time.monotonic() + timeout
        while True:
            result = predicate()
            if result:
                return result
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"timed out waiting for {what}; requests so far: {[(r.method, r.path) for r in self.requests]}"
                )
            await asyncio.sleep(0.01)

    async def replies(self, handle: InteractionHandle, count: int = 1, timeout: float = 10.0) -> list[Request]:
        """The interaction's first `count` message-bearing requests (after waiting for them)."""

        def ready() -> list[Request] | None:
            found = [r for r in self.for_interaction(handle) if r.sends_message]
            return found if len(found) >= count else None

        return (await self.wait_for(ready, timeout, f"{count} replies to interaction {handle.id}"))[:count]

    # --- REST -------------------------------------------------------------------------------

    async def _rest(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["tail"]
        body, files = await _body(request)
        recorded = Request(request.method, path, dict(request.query), body, files)
        self.requests.append(recorded)
        if request.headers.get("Authorization") != f"Bot {TOKEN}" and not path.startswith(
            ("/webhooks/", "/interactions/")
        ):
            return _json({"message": "401: Unauthorized", "code": 0}, status=401)
        for method, pattern, handler in self._routes():
            match = re.fullmatch(pattern, path)
            if method == request.method and match:
                try:
                    result = handler(body, *match.groups())
                    if asyncio.iscoroutine(result):
                        result = await result
                except KeyError:  # an unknown interaction token or message id
                    break
                return web.Response(status=204) if result is None else _json(result)
        self.unhandled.append(recorded)
        return _json({"message": "Unknown route", "code": 0}, status=404)

    def _routes(self) -> list[tuple[str, str, Callable[..., Any]]]:
        return [
            ("GET", r"/users/@me", lambda body: USERS[BOT_ID]),
            ("GET", r"/gateway/bot", lambda body: self._gateway_bot()),
            ("GET", r"/oauth2/applications/@me", lambda body: self._application()),
            ("PUT", r"/applications/\d+/commands", lambda body: self._register(None, body)),
            ("PUT", r"/applications/\d+/guilds/(\d+)/commands", lambda body, guild: self._register(int(guild), body)),
            ("POST", r"/interactions/(\d+)/([^/]+)/callback", self._callback),
            ("POST", r"/webhooks/\d+/([^/]+)", self._followup),
            ("PATCH", r"/webhooks/\d+/([^/]+)/messages/@original", self._edit_original),
            ("POST", r"/channels/(\d+)/messages", lambda body, channel: self._store(self._message(int(channel), body))),
            ("POST", r"/channels/(\d+)/messages/(\d+)/threads", self._start_thread),
        ]

    def _gateway_bot(self) -> dict:
        limit = {"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1}
        return {"url": self.gateway_url, "shards": self.recommended_shards, "session_start_limit": limit}

    def _application(self) -> dict:
        return {
            "id": str(APP_ID),
            "name": "citebot",
            "description": "",
            "icon": None,
            "bot_public": True,
            "bot_require_code_grant": False,
            "owner": USERS[ADMIN_ID],
            "verify_key": "0" * 64,
            "flags": 0,
        }

    def _register(self, guild_id: int | None, commands: list[dict]) -> list[dict]:
        registered = [
            {
                "description": "",
                **c,
                "id": str(self.next_id()),
                "application_id": str(APP_ID),
                "version": "1",
                **({"guild_id": str(guild_id)} if guild_id else {}),
            }
            for c in commands
        ]
        self.commands[guild_id] = registered
        return registered

    def _callback(self, body: dict, interaction_id: str, token: str) -> dict:
        kind = body["type"]
        data = body.get("data") or {}
        result: dict = {
            "interaction": {
                "id": interaction_id,
                "type": 2,
                "response_message_loading": kind == DEFERRED_CHANNEL_MESSAGE,
                "response_message_ephemeral": bool(data.get("flags", 0) & EPHEMERAL),
            }
        }
        if kind in (CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE):
            message = self._store(self._message(CHANNEL_ID, data, interaction=True))
            self._originals[token] = int(message["id"])
            result["interaction"]["response_message_id"] = message["id"]
            result["resource"] = {"type": kind, "message": message}
        elif kind == UPDATE_MESSAGE:
            self._edit_original(data, token)
        return result

    def _followup(self, body: dict, token: str) -> dict:
        return self._store(self._message(CHANNEL_ID, body, interaction=True))

    def _edit_original(self, body: dict, token: str) -> dict:
        message = self.messages[self._originals[token]]
        message.update({k: v for k, v in body.items() if k in ("content", "embeds", "components")})
        return self._store(message)

    async def _start_thread(self, body: dict, channel_id: str, message_id: str) -> dict:
        thread_id = int(message_id)  # a thread started from a message shares its id
        thread = {
            "id": str(thread_id),
            "guild_id": str(GUILD_ID),
            "parent_id": channel_id,
            "owner_id": str(BOT_ID),
            "name": body["name"],
            "type": 11,
            "message_count": 0,
            "member_count": 1,
            "rate_limit_per_user": 0,
            "flags": 0,
            "thread_metadata": {
                "archived": False,
                "auto_archive_duration": body.get("auto_archive_duration", 1440),
                "archive_timestamp": TIMESTAMP,
                "locked": False,
            },
        }
        self.threads[thread_id] = thread
        await self.dispatch("THREAD_CREATE", {**thread, "newly_created": True})
        return thread

    def _message(
        self,
        channel_id: int,
        body: dict,
        *,
        author: dict | None = None,
        interaction: bool = False,
        guild: int = GUILD_ID,
    ) -> dict:
        message = {
            "id": str(self.next_id()),
            "channel_id": str(channel_id),
            "guild_id": str(guild),
            "type": 0,
            "content": body.get("content") or "",
            "embeds": body.get("embeds") or [],
            "components": body.get("components") or [],
            "author": author or USERS[BOT_ID],
            "attachments": [],
            "mentions": [],
            "mention_roles": [],
            "mention_everyone": False,
            "pinned": False,
            "tts": False,
            "timestamp": TIMESTAMP,
            "edited_timestamp": None,
            "flags": body.get("flags", 0),
        }
        if interaction:
            message["application_id"] = str(APP_ID)
            message["webhook_id"] = str(APP_ID)
        return message

    def _store(self, message: dict) -> dict:
        self.messages[int(message["id"])] = message
        return message

    async def _attachment(self, request: web.Request) -> web.Response:
        filename, data = self.attachments[int(request.match_info["id"])]
        return web.Response(body=data, content_type="application/octet-stream")


def _option_type(value: Any) -> int:
    if isinstance(value, dict):
        return 11
    if isinstance(value, bool):
        return 5
    if isinstance(value, int):
        return 4
    return 3


async def _body(request: web.Request) -> tuple[Any, tuple[bytes, ...]]:
    """The request's JSON (a multipart request's `payload_json`) and the files it uploads."""
    if request.content_type.startswith("multipart/"):
        payload, files = {}, []
        reader = await request.multipart()
        async for part in reader:
            if part.name == "payload_json":  # type: ignore[union-attr]
                payload = json.loads(await part.text())  # type: ignore[union-attr]
            else:
                files.append(bytes(await part.read()))  # type: ignore[union-attr]
        return payload, tuple(files)
    raw = await request.read()
    return (json.loads(raw) if raw else {}), ()


def _json(payload: Any, status: int = 200) -> web.Response:
    # discord.py parses a body as JSON only when Content-Type is exactly application/json.
    return web.Response(status=status, body=json.dumps(payload).encode(), headers={"Content-Type": "application/json"})


@contextmanager
def fake_discord_in_thread(**options: Any) -> Iterator[FakeDiscord]:
    """A fake Discord on its own loop thread (`fake.loop`), for code that runs asyncio.run itself
    (serve) or other processes; `run_in_fake(fake, coro)` runs its coroutines from the test."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    fake = asyncio.run_coroutine_threadsafe(FakeDiscord(**options).__aenter__(), loop).result(10)
    try:
        yield fake
    finally:
        asyncio.run_coroutine_threadsafe(fake.__aexit__(None, None, None), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()


def run_in_fake(fake: FakeDiscord, coro: Any, timeout: float = 60.0) -> Any:
    """Run one of a threaded fake's coroutines (slash, replies, wait_for) on its loop and return the result."""
    assert fake.loop is not None
    return asyncio.run_coroutine_threadsafe(coro, fake.loop).result(timeout)
