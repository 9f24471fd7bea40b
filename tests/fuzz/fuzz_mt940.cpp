// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target: the mt940 parser (models/mt940parser.cpp) on arbitrary bytes, gzip included.
#include "fuzzsink.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    casebook::fuzz::runParser(u"mt940", data, size);
    return 0;
}
