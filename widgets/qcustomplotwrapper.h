// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The one place that includes QCustomPlot (STYLE 10). Its header uses the `foreach` keyword inside
// two inline templates; the project builds with QT_NO_FOREACH, which removes that macro, so lend an
// equivalent range-for for the duration of the include only.
#if defined(QT_NO_FOREACH) && !defined(foreach)
#define foreach(variable, container) for (variable : std::as_const(container))
#define CASEBOOK_LENT_FOREACH
#endif

#include <utility>

#include <qcustomplot.h>

#ifdef CASEBOOK_LENT_FOREACH
#undef foreach
#undef CASEBOOK_LENT_FOREACH
#endif
