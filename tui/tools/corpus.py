"""The text a synthetic session file is made of: what real chat users and agents send.

Every pool mixes the awkward cases a viewer must survive: several scripts
and emoji (wide and combining characters), markup-like text (``[bold]``,
``[@click=app.quit]``, ``<b>``), terminal escape sequences (CSI colours, an
OSC window title, C1 controls, ``\\r`` and ``\\b`` overwrites), Windows paths
and line endings, and U+2028/U+2029.
"""

from __future__ import annotations

AGENTS = ("claude", "claude", "claude", "tingly-box", "codex")
PERMISSION_MODES = ("", "", "default", "plan", "acceptEdits", "auto", "dontAsk", "bypassPermissions")
PLATFORMS = ("telegram", "feishu", "slack", "dingtalk")

#: ``(suffix, offset in seconds)``: Go writes local times with their offset.
OFFSETS = (("Z", 0), ("Z", 0), ("Z", 0), ("Z", 0), ("+08:00", 8 * 3600), ("-05:00", -5 * 3600))

PROJECTS = (
    "/home/alice/projects/tingly-box",
    "/home/dev/src/github.com/acme/api",
    "/srv/项目/后端服务",
    "/Users/bob/Code/my app (copy)",
    "D:\\work\\R&D\\tool",
    '/tmp/Ünïcödé "quoted" dir',
    "~/notes",
    "",
)
USER_NAMES = ("Иван", "李雷", "Alice", "Bob <admin>", "José & María", "O'Brien", "🤖 bot")
USER_ROLES = (("dev",), ("dev", "ops"), ("admin",), ())
TIME_ZONES = ("Asia/Shanghai", "Europe/Berlin", "America/New_York", "UTC")
LANGUAGES = ("zh-CN", "en", "ru")
NOTE = '<b>HTML</b> & "entities" ✓ 中文 [bold]not markup[/bold]'

REQUESTS = (
    "帮我看一下这个函数为什么会死锁？谢谢！",
    "Fix the failing test in pkg/store and explain what went wrong",
    "Rename [bold]Config[/bold] to [red]Settings[/] everywhere",
    "Why does <Component> render twice? & how do I stop it",
    "[@click=app.quit]click me[/] — please ignore, testing the bot",
    "Сделай рефакторинг модуля авторизации",
    "run `make test` and paste the output \x1b[31mverbatim\x1b[0m",
    "update the title \x1b]0;pwned\x07 and the README",
    "line separator\u2028and paragraph separator\u2029inside the text",
    'Path on Windows: `C:\\Program Files\\tingly\\bin`; tab\there; quote " and backslash \\ end',
    "add an emoji 🎉 to the release notes, ʻokina and combining é",
    "שלום — review this RTL text \u202edesrever\u202c please",
    "[/x] unbalanced markup [link=file:///etc/passwd]open[/link]",
    "ok",
)

PARAGRAPHS = (
    "已完成修改，主要改动如下：\n1. 修复死锁\n2. 增加单元测试 🎉",
    "I looked at the code and the problem is a lock taken twice on the same path. "
    "The fix moves the second acquisition out of the critical section.",
    "\x1b[32mPASS\x1b[0m ok  github.com/acme/api\t0.123s\n"
    "\x1b[31mFAIL\x1b[0m github.com/acme/web [build failed]",
    'The HTML should be `<div class="x">Tom &amp; Jerry</div>` — not `<b>` tags.',
    "Here is the summary:\n\n| file | change |\n|---|---|\n| a.go | +12 −3 |\n| b.go | +1 |\n",
    "Готово! Я обновил зависимости и запустил тесты.",
    "```python\ndef f(x):\n\treturn [bold]x[/bold] if x else None\n```",
    "Progress: 10%\r50%\r100%\x08\x08\x08done\x07",
    "C1 controls: \x9b31mred\x9b0m and \x9d0;title\x9c and NEL\x85here",
    "Error: open /root/.claude/settings.json: permission denied\n"
    "Try `chmod 600 ~/.claude/settings.json`.",
    "Markup that must stay inert: [b]bold[/b] [i]italic[/i] [@click=app.bell]bell[/] :smile:",
    "Line one\r\nline two (Windows line endings)\r\nline three",
    "Emoji and wide text: 🧪🚀👩‍💻 表格 テスト 한국어 — widths differ.",
    "NUL\x00and DEL\x7f inside",
    "Tests: 128 passed, 0 failed, 3 skipped in 4.21s. Coverage 87% (+2%).",
    "Summary of the diff: the store now re-reads the file under the lock before writing, "
    "so a concurrent append from another process is never lost.",
)

SUMMARIES = ("Fixed failing test", "No changes needed", "重构完成", "Updated <Component> & docs", "Ran \x1b[1mtests\x1b[0m")
SYSTEM_MESSAGE = "Session resumed after a restart."

ERRORS = (
    "exit status 1",
    "context deadline exceeded",
    "agent crashed: signal: killed\n\x1b[31mpanic\x1b[0m: runtime error: index out of range [3] with length 3",
    "permission denied: /srv/项目/后端服务/.env",
    "rate limited <429> & retry-after=30s",
)

_LISTING_LINE = '// 第{n:05d}行 — line with <html> & "quotes" and emoji 🧪\tfunc f{n}() {{ return a < b && c > d }}\n'


def code_listing(lines: int = 88) -> str:
    """A long code listing, like the largest messages of the Go fixture (~9 KB)."""
    body = "".join(_LISTING_LINE.format(n=n) for n in range(lines))
    return f"Here is the full file you asked for:\n```go\n{body}```"
