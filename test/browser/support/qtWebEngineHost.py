"""A minimal Qt WebEngine browser for ondeck's real-engine tests.

Opens one QWebEngineView on about:blank with a private, persistent profile (so IndexedDB,
caches and service workers survive a reload and vanish with the directory), and nothing else:
the tests drive it through the Chrome DevTools Protocol that Qt WebEngine serves when
QTWEBENGINE_REMOTE_DEBUGGING is set (see qtWebEngine.ts).

Usage: /usr/bin/python3 qtWebEngineHost.py 5|6 PROFILE_DIRECTORY
Qt 5.15 embeds Chromium 87 (webOS 22 / Tizen 6.5 generation), Qt 6.4 embeds Chromium 102.
"""
import sys

qt_major = sys.argv[1]
profile_directory = sys.argv[2]

if qt_major == "5":
    from PyQt5.QtCore import QUrl
    from PyQt5.QtWidgets import QApplication
    from PyQt5.QtWebEngineWidgets import QWebEnginePage, QWebEngineProfile, QWebEngineView
elif qt_major == "6":
    from PyQt6.QtCore import QUrl
    from PyQt6.QtWidgets import QApplication
    from PyQt6.QtWebEngineCore import QWebEnginePage, QWebEngineProfile
    from PyQt6.QtWebEngineWidgets import QWebEngineView
else:
    sys.exit("usage: qtWebEngineHost.py 5|6 PROFILE_DIRECTORY")

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
print("qtWebEngineHost: ready", flush=True)
sys.exit(application.exec() if qt_major == "6" else application.exec_())
