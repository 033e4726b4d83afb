#!/bin/sh
# Installs the system packages the project uses, where this machine allows it:
#   chromium            PDF output and the tests that check charts are drawn
#   libreoffice-calc-nogui  the test that opens the Excel export in LibreOffice
#   poppler-utils       pdftoppm / pdftotext, to look at PDFs
# Without root or apt-get it only says what is missing; reports then fall back
# to HTML and the tests that need these programs are skipped with a reason.
missing=""
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || missing="$missing chromium"
command -v soffice >/dev/null 2>&1 || missing="$missing libreoffice-calc-nogui"
command -v pdftoppm >/dev/null 2>&1 || missing="$missing poppler-utils"
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing system packages:$missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends $missing fonts-dejavu-core >/dev/null \
    || echo "warning: could not install$missing; PDF output and some tests will be skipped" >&2
else
  echo "note: missing system packages:$missing (install them with your package manager," >&2
  echo "      e.g. 'sudo apt-get install$missing'); PDF output and some tests will be skipped." >&2
fi
exit 0
