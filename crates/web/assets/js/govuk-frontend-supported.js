// Frontdoor: external replacement for the inline <script> in GOV.UK Frontend's
// page template (our CSP forbids inline scripts). Load it as a classic,
// synchronous script as the FIRST child of <body class="govuk-template__body">
// so the classes are set before first paint (no flash of un-enhanced components):
//   <script src="/assets/js/govuk-frontend-supported.js"></script>
document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '');
