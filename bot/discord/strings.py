"""Every text the bot shows, in English and Japanese, and the language to show it in."""

from __future__ import annotations

from index.errors import (CitebotError, EmptyQuestion, FetchError, IndexCorrupt, IndexLocked, IndexReadOnly,
                          QuestionTooLong, StoreUnavailable)

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "sources": "Sources",
        "no_coverage": "The articles don't cover this.",
        "show_passages": "Show passages",
        "closest": "Closest passages, for reference",
        "omitted": "{count} more sentence(s) did not fit and were left out with their sources.",
        "continued": "(continued {part}/{parts})",
        "too_long": "Sorry, that question is {length} characters long; please keep it under {limit}.",
        "claim_too_long": "Sorry, that text is {length} characters long; please keep it under {limit}.",
        "empty": "Please ask a question, e.g. “When did the library reopen?”",
        "empty_claim": "That message has no text to look up.",
        "cooldown": "You're asking quickly! Please wait {seconds} s and try again.",
        "apology": "Sorry, something went wrong on my side. Please try again in a moment.",
        "denied": "Sorry, only members with the Manage Server permission can use this command.",
        "thanks": "Thanks for the feedback!",
        "answer_gone": "Sorry, I no longer have that answer's passages.",
        "cite_header": "Passages for: {claim}",
        "cite_none": "No passage in the articles supports this.",
        "cite_related_only": "No passage states this outright. Related passages for: {claim}",
        "verdict_supports": "✅ Supports",
        "verdict_related": "Related, does not state it",
        "related": "Related",
        "also_at": "also at {places}",
        "unsure": "Unsure: this may not answer the question. Please check the passages.",
        "sources_empty": "No articles are indexed yet.",
        "sources_title": "Indexed articles",
        "sources_footer": "Page {page}/{pages} · {count} articles · /source n for details",
        "source_missing": "There is no article {n}; /sources lists {count}.",
        "field_url": "URL",
        "field_outlet": "Outlet",
        "field_published": "Published",
        "field_passages": "Passages",
        "field_lang": "Language",
        "field_file": "File",
        "admin_bad_file": "Please attach a {kinds} file under {mb} MB.",
        "admin_not_ingested": "Could not index {file}: {reason}",
        "admin_ambiguous": "Several articles match; use the path:\n{listed}",
        "admin_no_match": "No article matches '{wanted}'.",
        "admin_removed": "Removed {title} ({path}).",
        "admin_not_indexed": "{path} was not in the index.",
        "index_busy": "The library is being updated right now. Please try again in a minute.",
        "index_damaged": "Part of the library's index is damaged; the operator has been told. Please try again later.",
        "index_read_only": "The library is read-only on this server: articles cannot be added or removed.",
        "store_unavailable": "The library's database is not answering right now; the operator has been told. "
                             "Please try again in a minute.",
        "admin_forgot": "Removed {count} vote(s) by {user} in this server.",
        "gaps_title": "Coverage gaps, last {days} days",
        "gaps_declined": "Declined questions (most frequent first)",
        "gaps_down": "Answers voted 👎",
        "gaps_none": "None.",
        "gaps_times": "×{count}, last {last}",
        "help": (
            "**citebot** answers questions about this server's news articles (mostly Japanese, some "
            "English). Every sentence of an answer is a sentence quoted from an article and marked `[n]`; "
            "source `n` names the article, its section, outlet and date, with a link to check it.\n"
            "When the articles don't answer a question, citebot says so and shows the closest passages "
            "instead of guessing; an answer it is unsure of is marked as such.\n\n"
            "**Commands**\n"
            "`/ask question:` a cited answer; *Show passages* shows the quoted text to you only; 👍/👎 tell "
            "the admins how it did.\n"
            "`/cite claim:` the passages that support (or only relate to) a statement.\n"
            "Message menu → Apps → **Find sources**: the same for someone's message, shown to you only.\n"
            "`/sources`, `/source n:` the articles citebot reads (type a title to search).\n"
            "Mention @citebot with a question: answered in a thread.\n"
            "`/admin …` (Manage Server): add or remove articles, pages and feeds, statistics, unanswered questions.\n\n"
            "Kept for {days} days: questions, answers and 👍/👎 with the server (and your user id for "
            "questions and votes), so buttons keep working and admins see what is missing."
        ),
        "admin_ingest_what": "Attach an article file, or give the url: of a page (one of the two).",
        "fetch_failed": "Could not use {url}: {reason}",
        "fetch_refused": "Refused to fetch {url}: {reason}",
        "feed_followed": "Following {url}.",
        "feed_already": "Already following {url}.",
        "feed_unfollowed": "Stopped following {url}; the {articles} articles it brought stay.",
        "feed_not_followed": "This server does not follow {url}.",
        "poll_summary": "{entries} entries, {new} new: {added} added, {updated} updated.",
        "poll_capped": "Only the newest {taken} are taken per poll ({capped} older left out).",
        "poll_not_modified": "Not modified since the last poll: nothing fetched.",
        "poll_failed": "The poll failed (its articles are kept): {reason}",
        "poll_skipped": "Skipped {where}: {reason}",
        "feeds_empty": "This server follows no feed yet: /admin follow url:",
        "feeds_title": "Followed feeds",
        "feeds_line": "{n}. {title}\n{url}\n{articles} articles · last poll {polled} · next {next} · {status}",
        "feed_ok": "OK",
        "feed_failing": "failing ({failures} in a row): {reason}",
        "never": "not yet",
        "reason_scheme": "only http and https URLs are fetched, not {detail}",
        "reason_bad_url": "not a usable URL ({detail})",
        "reason_unresolvable": "the host name does not resolve ({detail})",
        "reason_address": "{detail}; the bot fetches only from public addresses",
        "reason_redirect_scheme": "it redirects to a URL that is not http(s)",
        "reason_network": "could not connect or read ({detail})",
        "reason_timeout": "it took longer than {detail} s",
        "reason_too_large": "it is larger than {detail}",
        "reason_status": "the server answered {detail}",
        "reason_content_type": "it is not an HTML page or a feed ({detail})",
        "reason_encoding": "unreadable content encoding ({detail})",
        "reason_redirects": "more than {detail} redirects",
        "reason_not_a_feed": "it is not an RSS or Atom feed ({detail})",
        "reason_is_feed": "it is a feed, not a page: use /admin follow",
        "reason_no_text": "no article text found ({detail})",
        "reason_internal": "an error on the bot's side",
    },
    "ja": {
        "sources": "出典",
        "no_coverage": "記事にはこの質問への答えが見つかりませんでした。",
        "show_passages": "引用箇所を表示",
        "closest": "参考:内容の近い箇所",
        "omitted": "長すぎるため、残り{count}文を出典ごと省略しました。",
        "continued": "(続き {part}/{parts})",
        "too_long": "すみません、質問が{length}文字あります。{limit}文字以内でお願いします。",
        "claim_too_long": "すみません、文章が{length}文字あります。{limit}文字以内でお願いします。",
        "empty": "質問を入力してください。例:「図書館の再開はいつ?」",
        "empty_claim": "このメッセージには調べられる文章がありません。",
        "cooldown": "少し間をあけてください。{seconds}秒後にもう一度どうぞ。",
        "apology": "すみません、処理中にエラーが起きました。しばらくしてからもう一度お試しください。",
        "denied": "すみません、このコマンドは「サーバー管理」権限のあるメンバーだけが使えます。",
        "thanks": "フィードバックありがとうございます!",
        "answer_gone": "すみません、この回答の引用箇所はもう残っていません。",
        "cite_header": "該当する箇所: {claim}",
        "cite_none": "記事の中にこれを裏付ける箇所は見つかりませんでした。",
        "cite_related_only": "これをはっきり述べた箇所はありません。関連する箇所: {claim}",
        "verdict_supports": "✅ 裏付けあり",
        "verdict_related": "関連(この内容は述べていない)",
        "related": "関連",
        "also_at": "ほかの掲載先: {places}",
        "unsure": "自信がありません: 質問に答えていない可能性があります。引用箇所をご確認ください。",
        "sources_empty": "まだ記事が登録されていません。",
        "sources_title": "登録済みの記事",
        "sources_footer": "{page}/{pages}ページ · 全{count}件 · 詳細は /記事 番号",
        "source_missing": "{n}番の記事はありません。/記事一覧 には{count}件あります。",
        "field_url": "URL",
        "field_outlet": "媒体",
        "field_published": "公開日",
        "field_passages": "パッセージ数",
        "field_lang": "言語",
        "field_file": "ファイル",
        "admin_bad_file": "{kinds} のファイル({mb} MB未満)を添付してください。",
        "admin_not_ingested": "{file} を登録できませんでした: {reason}",
        "admin_ambiguous": "複数の記事が該当します。パスで指定してください:\n{listed}",
        "admin_no_match": "「{wanted}」に該当する記事はありません。",
        "admin_removed": "{title}({path})を削除しました。",
        "admin_not_indexed": "{path} は登録されていません。",
        "index_busy": "ただいまライブラリを更新中です。1分ほどしてからもう一度お試しください。",
        "index_damaged": "ライブラリの索引の一部が壊れています。管理者に通知しました。しばらくしてからお試しください。",
        "index_read_only": "このサーバーのライブラリは読み取り専用のため、記事の追加や削除はできません。",
        "store_unavailable": "ライブラリのデータベースが応答していません。管理者に通知しました。1分ほどしてからもう一度お試しください。",
        "admin_forgot": "このサーバーでの {user} の投票 {count} 件を削除しました。",
        "gaps_title": "答えられなかった質問(直近{days}日)",
        "gaps_declined": "答えられなかった質問(多い順)",
        "gaps_down": "👎の付いた回答",
        "gaps_none": "ありません。",
        "gaps_times": "{count}回、最終 {last}",
        "help": (
            "**citebot** はこのサーバーのニュース記事(主に日本語、一部英語)についての質問に答えます。"
            "答えの各文は記事からそのまま引用した文で、`[n]` が付きます。出典 `n` には記事名・見出し・媒体・"
            "日付と、確認できるリンクが示されます。\n"
            "記事に答えがないときは推測せずにそう伝え、内容の近い箇所を示します。自信のない答えにはその旨を表示します。\n\n"
            "**コマンド**\n"
            "`/質問 質問文:`(/ask)出典付きの答え。「引用箇所を表示」はあなたにだけ引用文を表示、👍/👎 は管理者への評価です。\n"
            "`/裏付け 主張:`(/cite)ある主張を裏付ける(または関連する)箇所。\n"
            "メッセージのメニュー → アプリ → **出典を探す**: 他の人のメッセージについて同じことを、あなたにだけ表示。\n"
            "`/記事一覧`(/sources)、`/記事 番号:`(/source)citebot が読む記事の一覧と詳細(タイトルで検索できます)。\n"
            "@citebot をメンションして質問: スレッドで答えます。\n"
            "`/管理 …`(/admin、サーバー管理権限): 記事・ページ・フィードの追加と削除、統計、答えられなかった質問。\n\n"
            "保存期間は{days}日: 質問・答え・👍/👎 をサーバーID(質問と投票にはユーザーIDも)とともに保存します。"
            "ボタンを使い続けられるように、また管理者が足りない記事を知るためです。"
        ),
        "admin_ingest_what": "記事ファイルを添付するか、ページの url: を指定してください(どちらか一方)。",
        "fetch_failed": "{url} を使えませんでした: {reason}",
        "fetch_refused": "{url} の取得を拒否しました: {reason}",
        "feed_followed": "{url} のフォローを始めました。",
        "feed_already": "{url} はすでにフォローしています。",
        "feed_unfollowed": "{url} のフォローをやめました。取り込んだ{articles}件の記事は残ります。",
        "feed_not_followed": "このサーバーは {url} をフォローしていません。",
        "poll_summary": "エントリー{entries}件、新着{new}件: 追加{added}件、更新{updated}件。",
        "poll_capped": "1回の巡回で取り込むのは新しい{taken}件までです(古い{capped}件は対象外)。",
        "poll_not_modified": "前回の巡回から更新はありません。何も取得していません。",
        "poll_failed": "巡回に失敗しました(取り込み済みの記事は残ります): {reason}",
        "poll_skipped": "{where} を飛ばしました: {reason}",
        "feeds_empty": "このサーバーはまだフィードをフォローしていません: /管理 フォロー url:",
        "feeds_title": "フォロー中のフィード",
        "feeds_line": "{n}. {title}\n{url}\n記事{articles}件 · 前回の巡回 {polled} · 次回 {next} · {status}",
        "feed_ok": "正常",
        "feed_failing": "失敗中(連続{failures}回): {reason}",
        "never": "未実施",
        "reason_scheme": "取得できるのは http と https の URL だけです({detail} は不可)",
        "reason_bad_url": "使える URL ではありません({detail})",
        "reason_unresolvable": "ホスト名を解決できません({detail})",
        "reason_address": "{detail}。ボットは公開アドレスからしか取得しません",
        "reason_redirect_scheme": "http(s) 以外の URL へリダイレクトされます",
        "reason_network": "接続または読み込みができませんでした({detail})",
        "reason_timeout": "{detail}秒以内に取得できませんでした",
        "reason_too_large": "{detail} を超えています",
        "reason_status": "サーバーの応答は {detail} でした",
        "reason_content_type": "HTML ページでもフィードでもありません({detail})",
        "reason_encoding": "読めない圧縮形式です({detail})",
        "reason_redirects": "リダイレクトが{detail}回を超えました",
        "reason_not_a_feed": "RSS / Atom フィードではありません({detail})",
        "reason_is_feed": "ページではなくフィードです: /管理 フォロー を使ってください",
        "reason_no_text": "記事の本文が見つかりません({detail})",
        "reason_internal": "ボット側のエラー",
    },
}


def text(lang: str, key: str, **values: object) -> str:
    """Frame text in the reader's language ("ja" or "en"; anything else reads English)."""
    return TEXT.get(lang, TEXT["en"])[key].format(**values)


def refusal(lang: str, error: Exception) -> str:
    """The polite text for the engine refusing a question or claim (EmptyQuestion, QuestionTooLong)."""
    limit = getattr(error, "limit", None)
    if limit is not None:
        return text(lang, "too_long", length=error.length, limit=limit)
    return text(lang, "empty")


def locale_lang(locale: object) -> str:
    return "ja" if str(locale).startswith("ja") else "en"


def engine_problem(lang: str, error: CitebotError) -> str | None:
    """A Discord user's words for an engine error they can do something about (or wait out);
    None for the rest, which deserve an apology and a log line."""
    if isinstance(error, (EmptyQuestion, QuestionTooLong)):
        return refusal(lang, error)
    if isinstance(error, IndexLocked):
        return text(lang, "index_busy")
    if isinstance(error, IndexReadOnly):
        return text(lang, "index_read_only")
    if isinstance(error, IndexCorrupt):
        return text(lang, "index_damaged")
    if isinstance(error, StoreUnavailable):
        return text(lang, "store_unavailable")
    if isinstance(error, FetchError):
        return fetch_problem(lang, error)
    return None


def fetch_reason(lang: str, kind: str, detail: str) -> str:
    """Why a URL was not fetched, in the reader's language (the error's kind and datum)."""
    key = f"reason_{kind}"
    if key not in TEXT["en"]:
        return detail or kind
    worded = text(lang, key, detail=detail)
    return worded if detail else worded.replace(" ()", "").replace("()", "").strip()


def fetch_problem(lang: str, error: FetchError) -> str:
    """A FetchError in one line: a refusal (the safety rules) or a failure (the server's answer)."""
    return text(lang, "fetch_refused" if error.refused else "fetch_failed", url=error.url,
                reason=fetch_reason(lang, error.kind, error.detail))
