(function () {
  'use strict';
  // Client-side filters: no server, no network. Rows carry data-sev, data-st and data-packs.
  var form = document.getElementById('filters');
  if (!form) return;
  function selected(name) {
    var set = {};
    var inputs = form.querySelectorAll('input[name="' + name + '"]');
    for (var i = 0; i < inputs.length; i++) if (inputs[i].checked) set[inputs[i].value] = true;
    return set;
  }
  function apply() {
    var sev = selected('sev'), st = selected('st'), pack = selected('pack');
    var rows = document.querySelectorAll('tr.r');
    var shown = 0;
    for (var i = 0; i < rows.length; i++) {
      var r = rows[i];
      var packs = (r.getAttribute('data-packs') || '-').split(' ');
      var packOk = false;
      for (var j = 0; j < packs.length; j++) if (pack[packs[j]]) { packOk = true; break; }
      var ok = packOk && sev[r.getAttribute('data-sev')] === true && st[r.getAttribute('data-st')] === true;
      r.hidden = !ok;
      if (ok) shown++;
    }
    var groups = document.querySelectorAll('.rule-group');
    for (var g = 0; g < groups.length; g++) groups[g].hidden = !groups[g].querySelector('tr.r:not([hidden])');
    var arts = document.querySelectorAll('section.artifact');
    for (var a = 0; a < arts.length; a++) arts[a].hidden = !arts[a].querySelector('.rule-group:not([hidden])');
    var packsEl = document.querySelectorAll('section.pack');
    for (var p = 0; p < packsEl.length; p++) packsEl[p].hidden = !pack[packsEl[p].getAttribute('data-pack')];
    document.getElementById('shown-count').textContent = String(shown);
  }
  form.addEventListener('change', apply);
  apply();
})();
