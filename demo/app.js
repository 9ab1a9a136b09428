// ondeck demo: a 10-foot TV home screen driven only by the remote (arrow keys, Enter, Back).
// Plain ES2017 in a classic script so it runs on old TV engines and WPE WebKit as-is. Every
// string from the catalog is rendered with textContent, never as HTML.
(function () {
  'use strict';

  var KEY = { left: 37, up: 38, right: 39, down: 40, enter: 13 };
  // Back on a TV remote: Escape/Backspace on desktops, 10009 on Tizen, 461 on webOS.
  var BACK_KEYS = [27, 8, 10009, 461];
  var PER_ROW = 7;
  var HANDLED_KEYS = [KEY.left, KEY.up, KEY.right, KEY.down, KEY.enter].concat(BACK_KEYS);

  var recommender = null;

  /** Where the model comes from: /config.json from `npm start` (signed sync endpoint), else /model/. */
  function loadConfig() {
    return fetch('/config.json', { cache: 'no-store' })
      .then(function (response) {
        return response.ok ? response.json() : {};
      })
      .catch(function () {
        return {};
      });
  }

  var state = {
    view: 'home',
    rows: [],
    profiles: [],
    currentProfile: 'default',
    focus: { row: 0, col: 0 },
    detailsItem: null,
    actionIndex: 0,
    lastLatencyMs: null,
    status: null
  };

  var elements = {
    home: document.getElementById('home'),
    profiles: document.getElementById('profiles'),
    details: document.getElementById('details'),
    detailsArt: document.getElementById('details-art'),
    detailsTitle: document.getElementById('details-title'),
    detailsMeta: document.getElementById('details-meta'),
    detailsBecause: document.getElementById('details-because'),
    detailsActions: document.getElementById('details-actions'),
    status: document.getElementById('status'),
    toast: document.getElementById('toast')
  };

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /** Generated artwork: a gradient whose hue comes from the title id (no external images). */
  function artwork(itemId) {
    var hash = 0;
    for (var i = 0; i < itemId.length; i++) hash = (hash * 31 + itemId.charCodeAt(i)) | 0;
    var hue = Math.abs(hash) % 360;
    return 'linear-gradient(135deg, hsl(' + hue + ', 55%, 38%), hsl(' + ((hue + 50) % 360) + ', 60%, 18%))';
  }

  function metaLine(item) {
    var parts = [];
    if (item.year) parts.push(String(item.year));
    if (item.genres && item.genres.length) parts.push(item.genres.slice(0, 2).join(' · '));
    if (item.maturityRating) parts.push(item.maturityRating);
    return parts.join('  ');
  }

  function showToast(text) {
    elements.toast.textContent = text;
    elements.toast.hidden = false;
    clearTimeout(showToast.timer);
    showToast.timer = setTimeout(function () {
      elements.toast.hidden = true;
    }, 1800);
  }

  async function refreshRows() {
    var started = performance.now();
    var rows = await recommender.rows({ perRow: PER_ROW });
    state.lastLatencyMs = performance.now() - started;
    state.rows = rows.filter(function (row) {
      return row.items.length > 0;
    });
    if (state.focus.row >= state.rows.length) state.focus.row = Math.max(0, state.rows.length - 1);
    renderHome();
    await refreshStatus();
  }

  async function refreshProfiles() {
    state.profiles = await recommender.profiles.list();
    renderProfiles();
  }

  async function refreshStatus() {
    state.status = await recommender.status();
    state.currentProfile = state.status.profileId;
    renderStatus();
    renderProfiles();
  }

  function renderProfiles() {
    elements.profiles.textContent = '';
    state.profiles.forEach(function (profile, index) {
      var chip = element('div', 'profile', profile.name + (profile.maturityLimit !== undefined ? ' (' + profile.maturityLimit + '+)' : ''));
      if (profile.id === state.currentProfile) chip.className += ' current';
      if (state.view === 'home' && state.focus.row === -1 && state.focus.col === index) chip.className += ' focused';
      elements.profiles.appendChild(chip);
    });
  }

  function renderHome() {
    elements.home.textContent = '';
    if (state.rows.length === 0) {
      elements.home.appendChild(element('p', 'empty', 'Nothing to show for this profile yet.'));
      return;
    }
    // Keep the focused row in view: show it and the rows after it.
    var first = Math.max(0, Math.min(state.focus.row, state.rows.length - 1) - 1);
    state.rows.slice(first, first + 4).forEach(function (row, offset) {
      var rowIndex = first + offset;
      var rowNode = element('section', 'row');
      rowNode.setAttribute('data-row-kind', row.kind);
      rowNode.appendChild(element('h2', 'row-title', row.title));
      var items = element('div', 'row-items');
      row.items.forEach(function (item, col) {
        var poster = element('div', 'poster');
        poster.setAttribute('data-item-id', item.itemId);
        poster.style.backgroundImage = artwork(item.itemId);
        poster.appendChild(element('div', 'poster-title', item.title));
        poster.appendChild(element('div', 'poster-meta', metaLine(item)));
        if (state.focus.row === rowIndex && state.focus.col === col) poster.className += ' focused';
        items.appendChild(poster);
      });
      rowNode.appendChild(items);
      elements.home.appendChild(rowNode);
    });
  }

  var ACTIONS = [
    {
      label: 'Play',
      run: function (item) {
        return recommender.track({ type: 'complete', itemId: item.itemId, progress: 1 }).then(function () {
          showToast('Watched ' + item.title);
        });
      }
    },
    {
      label: 'Like',
      run: function (item) {
        return recommender.track({ type: 'like', itemId: item.itemId }).then(function () {
          showToast('Liked ' + item.title);
        });
      }
    },
    {
      label: 'Hide',
      run: function (item) {
        return recommender.track({ type: 'hide', itemId: item.itemId }).then(function () {
          showToast('Hidden ' + item.title);
        });
      }
    }
  ];

  function renderDetails() {
    var item = state.detailsItem;
    elements.detailsArt.style.backgroundImage = artwork(item.itemId);
    elements.detailsTitle.textContent = item.title;
    elements.detailsMeta.textContent = metaLine(item);
    elements.detailsBecause.textContent = item.because ? 'Because you watched ' + item.because.title : '';
    elements.detailsActions.textContent = '';
    ACTIONS.forEach(function (action, index) {
      var button = element('div', 'action' + (index === state.actionIndex ? ' focused' : ''), action.label);
      elements.detailsActions.appendChild(button);
    });
  }

  function renderStatus() {
    var status = state.status;
    if (!status) return;
    var lines = [
      'backend: ' + status.backend + (status.backendThreads > 1 ? ' · ' + status.backendThreads + ' threads' : ''),
      'model: v' + (status.modelVersion || '?') + ' · ' + status.itemCount + ' titles · ' + status.dims + ' dims',
      'last sync: ' + (status.lastSync ? status.lastSync.replace('T', ' ').slice(0, 19) : 'never'),
      'last rows(): ' + (state.lastLatencyMs === null ? '–' : state.lastLatencyMs.toFixed(1) + ' ms'),
      'profile: ' + status.profileId + ' · history ' + status.historyLength
    ];
    elements.status.textContent = '';
    lines.forEach(function (line) {
      elements.status.appendChild(element('div', '', line));
    });
  }

  function showView(view) {
    state.view = view;
    elements.home.hidden = view !== 'home';
    elements.details.hidden = view !== 'details';
  }

  async function openDetails() {
    var row = state.rows[state.focus.row];
    if (!row) return;
    var item = row.items[state.focus.col];
    // Ask for an explanation of this title for the details page.
    var explained = await recommender.recommend({ count: 40, explain: true });
    var match = explained.filter(function (candidate) {
      return candidate.itemId === item.itemId;
    })[0];
    state.detailsItem = match || item;
    state.actionIndex = 0;
    showView('details');
    renderDetails();
  }

  async function backToHome() {
    showView('home');
    await refreshRows();
  }

  async function onKey(event) {
    var code = event.keyCode;
    if (BACK_KEYS.indexOf(code) >= 0 || event.key === 'GoBack') {
      event.preventDefault();
      if (state.view === 'details') await backToHome();
      return;
    }
    if (state.view === 'details') {
      if (code === KEY.left) state.actionIndex = Math.max(0, state.actionIndex - 1);
      else if (code === KEY.right) state.actionIndex = Math.min(ACTIONS.length - 1, state.actionIndex + 1);
      else if (code === KEY.enter) {
        await ACTIONS[state.actionIndex].run(state.detailsItem);
        if (ACTIONS[state.actionIndex].label === 'Hide') return backToHome();
      } else return;
      event.preventDefault();
      renderDetails();
      return;
    }
    var focus = state.focus;
    if (code === KEY.up) {
      focus.row = Math.max(-1, focus.row - 1);
      focus.col = 0;
    } else if (code === KEY.down) {
      focus.row = Math.min(state.rows.length - 1, focus.row + 1);
      focus.col = 0;
    } else if (code === KEY.left) {
      focus.col = Math.max(0, focus.col - 1);
    } else if (code === KEY.right) {
      var limit = focus.row === -1 ? state.profiles.length - 1 : state.rows[focus.row].items.length - 1;
      focus.col = Math.min(limit, focus.col + 1);
    } else if (code === KEY.enter) {
      event.preventDefault();
      if (focus.row === -1) {
        await recommender.profiles.switch(state.profiles[focus.col].id);
        focus.row = 0;
        focus.col = 0;
        return refreshRows();
      }
      return openDetails();
    } else {
      return;
    }
    event.preventDefault();
    renderHome();
    renderProfiles();
  }

  async function start() {
    var config = await loadConfig();
    recommender = Ondeck.createRecommender({
      modelUrl: config.modelUrl || '/model/',
      syncUrl: config.syncUrl,
      publicKey: config.publicKey,
      workerUrl: '/ondeck/ondeck-worker.js',
      ortBaseUrl: '/ondeck/ort/'
    });
    // The app shell and SDK then start offline; the model and history live in IndexedDB.
    if (Ondeck.registerServiceWorker) Ondeck.registerServiceWorker('/ondeck/ondeck-sw.js', { scope: '/' });
    recommender.on('error', function (error) {
      showToast('ondeck: ' + error.message);
    });
    recommender.on('update', function () {
      refreshRows();
    });
    await recommender.ready;
    var profiles = await recommender.profiles.list();
    if (
      !profiles.some(function (profile) {
        return profile.id === 'kids';
      })
    ) {
      await recommender.profiles.create({ id: 'kids', name: 'Kids', maturityLimit: 7 });
    }
    await refreshProfiles();
    await refreshRows();
    document.addEventListener('keydown', function (event) {
      // Claim our keys now (Backspace would navigate away), handle them one at a time: a remote
      // repeats fast and each step awaits the worker.
      if (HANDLED_KEYS.indexOf(event.keyCode) >= 0) event.preventDefault();
      queue = queue
        .then(function () {
          return onKey(event);
        })
        .catch(function (error) {
          showToast(String((error && error.message) || error));
        });
    });
    window.demoReady = true;
  }
  var queue = Promise.resolve();

  window.demo = { state: state };
  start().catch(function (error) {
    elements.home.textContent = '';
    elements.home.appendChild(element('p', 'empty', 'ondeck could not start: ' + (error && error.message ? error.message : String(error))));
  });
})();
