/* A stand-in for Windows' bcryptprimitives.dll, for Wine 8.0 (Debian 12),
 * which lacks it: Go programs (1.22 and later) call ProcessPrng from it for
 * random bytes at start. It asks advapi32's RtlGenRandom (SystemFunction036),
 * which Wine has. Used only by the Wine smoke test (.ci/wine-smoke.sh). */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    while (len > 0) {
        ULONG n = len > 0x7fffffff ? 0x7fffffff : (ULONG)len;
        if (!SystemFunction036(data, n))
            return FALSE;
        data += n;
        len -= n;
    }
    return TRUE;
}
