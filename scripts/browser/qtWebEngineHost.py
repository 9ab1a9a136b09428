"""A minimal Qt WebEngine browser for ondeck's real-engine tests.

Opens one QWebEngineView on about:blank with a private, persistent profile (so IndexedDB,
caches and service workers survive a reload and vanish with the directory). The tests drive the
page through the Chrome DevTools Protocol that Qt WebEngine serves when
QTWEBENGINE_REMOTE_DEBUGGING is set (see qtWebEngine.ts), except for key presses: CDP's
Input.dispatchKeyEvent never answers in Qt 5.15, so keys come in on standard input, one
"key NAME" line each, and are delivered as real QKeyEvents, the way a TV's remote reaches the
view; each is acknowledged with "key-done NAME" on standard output. The host quits when its
standard input closes, so it never outlives the test process.

Usage: /usr/bin/python3 qtWebEngineHost.py 5|6 PROFILE_DIRECTORY
Qt 5.15 embeds Chromium 87 (webOS 22 / Tizen 6.5 generation), Qt 6.4 embeds Chromium 102.
"""
import os
import sys

qt_major = sys.argv[1]
profile_directory = sys.argv[2]

if qt_major == "5":
    from PyQt5.QtCore import QEvent, QSocketNotifier, Qt, QUrl
    from PyQt5.QtGui import QKeyEvent
    from PyQt5.QtWidgets import QApplication
    from PyQt5.QtWebEngineWidgets import QWebEnginePage, QWebEngineProfile, QWebEngineView

    KEY_PRESS, KEY_RELEASE, NO_MODIFIER, READ = QEvent.KeyPress, QEvent.KeyRelease, Qt.NoModifier, QSocketNotifier.Read
    QT_KEYS = Qt
elif qt_major == "6":
    from PyQt6.QtCore import QEvent, QSocketNotifier, Qt, QUrl
    from PyQt6.QtGui import QKeyEvent
    from PyQt6.QtWidgets import QApplication
    from PyQt6.QtWebEngineCore import QWebEnginePage, QWebEngineProfile
    from PyQt6.QtWebEngineWidgets import QWebEngineView

    KEY_PRESS, KEY_RELEASE = QEvent.Type.KeyPress, QEvent.Type.KeyRelease
    NO_MODIFIER, READ = Qt.KeyboardModifier.NoModifier, QSocketNotifier.Type.Read
    QT_KEYS = Qt.Key
else:
    sys.exit("usage: qtWebEngineHost.py 5|6 PROFILE_DIRECTORY")

# The remote's keys (remoteKeys.ts names) as Qt key codes and the text each one types.
REMOTE_KEYS = {
    "ArrowLeft": (QT_KEYS.Key_Left, ""),
    "ArrowUp": (QT_KEYS.Key_Up, ""),
    "ArrowRight": (QT_KEYS.Key_Right, ""),
    "ArrowDown": (QT_KEYS.Key_Down, ""),
    "Enter": (QT_KEYS.Key_Return, "\r"),
    "Escape": (QT_KEYS.Key_Escape, "\x1b"),
    "Backspace": (QT_KEYS.Key_Backspace, "\b"),
}

application = QApplication(sys.argv[:1])
# A named profile is disk-backed (the default one of Qt 6 is off the record, which would lose
# IndexedDB on reload); its storage lives in the test's temp directory.
profile = QWebEngineProfile("ondeck-test", application)
profile.setPersistentStoragePath(profile_directory + "/storage")
profile.setCachePath(profile_directory + "/cache")
page = QWebEnginePage(profile, application)
view = QWebEngineView()
view.setPage(page)
# A TV's layout size, so the demo renders as it would on a 1080p screen.
view.resize(1920, 1080)
view.show()
page.setUrl(QUrl("about:blank"))

pending_input = b""


def read_commands():
    """Reads whole lines from standard input and runs each command."""
    global pending_input
    chunk = os.read(sys.stdin.fileno(), 4096)
    if not chunk:
        application.quit()  # The test process is gone: so is the engine.
        return
    pending_input += chunk
    while b"\n" in pending_input:
        line, pending_input = pending_input.split(b"\n", 1)
        command, _, name = line.decode("utf-8").strip().partition(" ")
        if command == "key" and name in REMOTE_KEYS:
            code, text = REMOTE_KEYS[name]
            # The view's focus proxy is the widget that forwards input to the renderer.
            target = view.focusProxy() or view
            for kind in (KEY_PRESS, KEY_RELEASE):
                QApplication.sendEvent(target, QKeyEvent(kind, code, NO_MODIFIER, text))
            print("key-done " + name, flush=True)
        else:
            print("unknown-command " + line.decode("utf-8", "replace"), flush=True)


input_notifier = QSocketNotifier(sys.stdin.fileno(), READ)
input_notifier.activated.connect(read_commands)
print("qtWebEngineHost: ready", flush=True)
sys.exit(application.exec() if qt_major == "6" else application.exec_())
