// Frontdoor: initialise GOV.UK Frontend components. External file because the
// CSP forbids inline scripts. Load as an ES module at the end of <body>:
//   <script type="module" src="/assets/js/init.js"></script>
// Module scripts only run in browsers that GOV.UK Frontend supports, so it is
// safe to add the support classes here too (a no-op if
// govuk-frontend-supported.js already added them).
import { initAll } from '/assets/govuk/govuk-frontend.min.js'

document.body.classList.add('js-enabled', 'govuk-frontend-supported')
initAll()

// "Print this page" buttons (printable summaries): hidden without JavaScript, where the browser's own print
// does the same.
for (const button of document.querySelectorAll('[data-module="app-print"]')) {
  button.hidden = false
  button.addEventListener('click', () => window.print())
}
