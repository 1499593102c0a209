"""The commands' Japanese names and descriptions, given to Discord through discord.py's Translator.

English stays the default (what the code declares); a member whose Discord is in Japanese sees the
names and descriptions below. Each command, group or context menu is one entry, keyed by its
qualified name (`"admin remove"`), so a new command needs one entry here and nothing else (a new
option of a command: one pair in its entry). Texts that name another command use its Japanese name,
as a Japanese Discord shows it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import discord
from discord import app_commands
from discord.app_commands import TranslationContextLocation as Where


@dataclass(frozen=True)
class Ja:
    """A command's Japanese name (lowercase, no spaces for slash commands), its description (none for
    a context menu), and each option's Japanese (name, description) by the option's English name."""

    name: str
    description: str = ""
    options: Mapping[str, tuple[str, str]] = field(default_factory=dict)


JA: dict[str, Ja] = {
    "ask": Ja("質問", "記事に質問します。答えの各文は記事からの引用で、出典付きです。",
              {"question": ("質問文", "質問(日本語または英語)")}),
    "cite": Ja("裏付け", "ある主張を裏付ける記事の箇所を探します。", {"claim": ("主張", "出典を探したい文")}),
    "sources": Ja("記事一覧", "回答に使う記事の一覧です。", {"page": ("ページ", "表示するページ(1ページ10件)")}),
    "source": Ja("記事", "記事1件の詳細です。番号は /記事一覧 の順、タイトルで検索もできます。",
                 {"n": ("番号", "/記事一覧 での記事の番号(タイトル・媒体・日付で検索できます)")}),
    "help": Ja("ヘルプ", "citebot の使い方、コマンド、出典の示し方を表示します。"),
    "admin": Ja("管理", "記事ライブラリの管理(サーバー管理権限が必要)。"),
    "admin ingest": Ja("登録", "記事を追加・更新します: ファイル(.txt、.md、.html)またはページの URL。",
                       {"file": ("ファイル", "記事のファイル"), "url": ("url", "記事ページの http(s) URL")}),
    "admin remove": Ja("削除", "このサーバーのライブラリから記事を削除します。",
                       {"path_or_title": ("記事", "記事のタイトルまたはファイル名(候補から選べます)")}),
    "admin stats": Ja("統計", "索引とフィードバックの統計、直近30日の質問数のグラフ。"),
    "admin gaps": Ja("不足", "答えられなかった質問と👎の付いた回答(このサーバー分)。",
                     {"days": ("日数", "さかのぼる日数(既定 30)")}),
    "admin forget": Ja("投票削除", "メンバーの👍/👎をこのサーバーの記録から削除します。",
                       {"user": ("メンバー", "投票を削除するメンバー")}),
    "admin follow": Ja("フォロー", "RSS / Atom フィードをフォローし、新しい記事を登録します。",
                       {"url": ("url", "フィードの http(s) URL")}),
    "admin unfollow": Ja("フォロー解除", "フィードのフォローをやめます(記事は残ります)。",
                         {"url": ("url", "/管理 フィード に表示されるフィードの URL")}),
    "admin feeds": Ja("フィード", "このサーバーがフォローしているフィードと前回の巡回結果。"),
    "Find sources": Ja("出典を探す"),
}


class CitebotTranslator(app_commands.Translator):
    """Japanese for every command, group, context menu and option in JA; None (English) elsewhere."""

    async def translate(
        self, string: app_commands.locale_str, locale: discord.Locale, context: app_commands.TranslationContext
    ) -> str | None:
        if locale is not discord.Locale.japanese:
            return None
        return japanese(context.location, context.data)


def japanese(where: Where, data: object) -> str | None:
    """The Japanese text for one translatable string of the command tree (None: not translated)."""
    if where in (Where.command_name, Where.group_name, Where.command_description, Where.group_description):
        entry = JA.get(getattr(data, "qualified_name", ""))
        if entry is None:
            return None
        return entry.name if where in (Where.command_name, Where.group_name) else entry.description or None
    if where in (Where.parameter_name, Where.parameter_description):
        entry = JA.get(data.command.qualified_name)  # type: ignore[attr-defined]
        option = entry.options.get(data.name) if entry else None  # type: ignore[attr-defined]
        if option is None:
            return None
        return option[0] if where is Where.parameter_name else option[1]
    return None
