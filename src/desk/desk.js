/* The editor's desk: the Markdown toolbar and the live preview. ES5, no library; the forms
   work without it. */
(function () {
  'use strict';
  var area = document.getElementById('body');
  if (!area) { return; }
  var form = area.form;
  var toolbar = document.getElementById('toolbar');
  var pane = document.getElementById('preview');

  function insert(before, after, placeholder) {
    var start = area.selectionStart, end = area.selectionEnd;
    var chosen = area.value.substring(start, end) || placeholder;
    area.value = area.value.substring(0, start) + before + chosen + after + area.value.substring(end);
    area.focus();
    area.selectionStart = start + before.length;
    area.selectionEnd = start + before.length + chosen.length;
    schedule();
  }

  function lineStart() {
    var start = area.selectionStart;
    return start === 0 || area.value.charAt(start - 1) === '\n' ? '' : '\n';
  }

  var actions = {
    bold: function () { insert('**', '**', '加粗文字'); },
    heading: function () { insert(lineStart() + '## ', '\n', '小标题'); },
    list: function () { insert(lineStart() + '- ', '\n', '列表项'); },
    link: function () { insert('[', '](https://)', '链接文字'); },
    table: function () { insert(lineStart() + '| 项目 | 内容 |\n| --- | --- |\n| ', ' | |\n', '文字'); }
  };

  if (toolbar) {
    toolbar.hidden = false;
    toolbar.addEventListener('click', function (event) {
      var action = event.target && event.target.getAttribute('data-action');
      if (action && actions[action]) {
        event.preventDefault();
        actions[action]();
      }
    });
  }

  var timer = null;
  var pending = null;
  function render() {
    if (!pane || !form) { return; }
    if (pending) { pending.abort(); }
    var request = new XMLHttpRequest();
    pending = request;
    request.open('POST', '/_desk/preview');
    request.setRequestHeader('Content-Type', 'application/x-www-form-urlencoded');
    request.onload = function () {
      pending = null;
      if (request.status === 200) { pane.innerHTML = request.responseText; }
    };
    var kind = form.elements.kind ? form.elements.kind.value : '';
    request.send('csrf=' + encodeURIComponent(form.elements.csrf.value) +
      '&kind=' + encodeURIComponent(kind) +
      '&body=' + encodeURIComponent(area.value));
  }
  function schedule() {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(render, 400);
  }
  area.addEventListener('input', schedule);

  // 新建稿件: another 栏目 shows that section's fields at once (the server saves nothing).
  var section = document.getElementById('field-section');
  if (section && form) {
    section.addEventListener('change', function () {
      var flag = document.createElement('input');
      flag.type = 'hidden';
      flag.name = 'switch';
      flag.value = '1';
      form.appendChild(flag);
      form.submit();
    });
  }

  // 插入图片: the picture goes where the cursor is; a dropped or pasted photo is chosen in
  // the file input, then the editor writes its 图片说明.
  var cursor = document.getElementById('cursor');
  var photo = document.getElementById('photo');
  var alt = document.getElementById('alt');
  if (form && cursor) {
    form.addEventListener('submit', function () { cursor.value = String(area.selectionStart); });
  }
  function takeFiles(files, event) {
    if (!photo || !files || !files.length || !/^image\//.test(files[0].type)) { return; }
    event.preventDefault();
    try { photo.files = files; } catch (e) { return; }
    cursor.value = String(area.selectionStart);
    if (alt) { alt.focus(); }
  }
  area.addEventListener('dragover', function (event) { if (photo) { event.preventDefault(); } });
  area.addEventListener('drop', function (event) { takeFiles(event.dataTransfer && event.dataTransfer.files, event); });
  area.addEventListener('paste', function (event) { takeFiles(event.clipboardData && event.clipboardData.files, event); });
  render();
}());
