// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target: the camt.053 parser (models/camtparser.cpp) on arbitrary bytes, gzip included.
#include "fuzzsink.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    casebook::fuzz::runParser(u"camt.053", data, size);
    return 0;
}
