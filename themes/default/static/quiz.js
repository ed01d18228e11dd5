// 知识问答 of the wenming default theme: scores a quiz (page-quiz.html) in the reader's browser.
// Nothing is sent anywhere. The 交卷 button shows only when this script runs; the score, the
// questions answered wrongly and their explanations appear at once, and the score is written
// into the form's live region (role="status") so that screen readers announce it. Plain ES5,
// as WeChat and old Android WebViews run it.
(function () {
  'use strict';

  function show(element) {
    if (element) element.removeAttribute('hidden');
  }

  function text(tag, content) {
    var element = document.createElement(tag);
    element.appendChild(document.createTextNode(content));
    return element;
  }

  // The chosen option numbers of one question, in option order, joined by commas.
  function chosen(question) {
    var inputs = question.getElementsByTagName('input');
    var values = [];
    for (var i = 0; i < inputs.length; i++) {
      if (inputs[i].checked) values.push(inputs[i].value);
    }
    return values.join(',');
  }

  function mark(question, right, answered) {
    var feedback = question.querySelector('.quiz-feedback');
    var details = question.getElementsByTagName('details')[0];
    question.className = question.className.replace(/\s*quiz-(right|wrong)/g, '') +
      (right ? ' quiz-right' : ' quiz-wrong');
    if (feedback) {
      feedback.textContent = right ? '回答正确。' :
        (answered ? '回答错误，' : '未作答，') + '正确答案和解析见下方。';
      show(feedback);
    }
    if (details && !right) details.open = true;
  }

  function score(form, result) {
    var questions = form.querySelectorAll('fieldset.quiz-question');
    var wrong = [];
    for (var i = 0; i < questions.length; i++) {
      var q = questions[i];
      var answer = chosen(q);
      var right = answer === q.getAttribute('data-answer');
      mark(q, right, answer !== '');
      if (!right) wrong.push(q);
    }
    while (result.firstChild) result.removeChild(result.firstChild);
    var total = questions.length;
    result.appendChild(text('p', '得分 ' + (total - wrong.length) + '/' + total));
    if (wrong.length === 0) {
      result.appendChild(text('p', '全部答对，感谢参与！'));
      return;
    }
    var list = text('p', '没答对的题：');
    for (var j = 0; j < wrong.length; j++) {
      var link = text('a', '第 ' + wrong[j].getAttribute('data-number') + ' 题');
      link.setAttribute('href', '#' + wrong[j].id);
      if (j > 0) list.appendChild(document.createTextNode('、'));
      list.appendChild(link);
    }
    list.appendChild(document.createTextNode('。正确答案和解析已在题目下方展开。'));
    result.appendChild(list);
  }

  function setup(form) {
    var button = form.querySelector('.quiz-submit');
    var result = form.querySelector('.quiz-result');
    if (!button || !result) return;
    show(button);
    var hints = form.querySelectorAll('.quiz-scripted');
    for (var i = 0; i < hints.length; i++) show(hints[i]);
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      score(form, result);
    });
  }

  function start() {
    var forms = document.querySelectorAll('form.quiz');
    for (var i = 0; i < forms.length; i++) setup(forms[i]);
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
