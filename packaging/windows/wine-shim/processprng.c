/* bcryptprimitives.dll for wine 8, which lacks it: Rust's standard library
 * (1.78 and later) imports ProcessPrng from it for its random numbers
 * (HashMap seeds). Real Windows 10 and 11 have the DLL; this shim is only
 * copied into a throw-away wine prefix by packaging/check-packages and never
 * ships. It fills the buffer from advapi32's RtlGenRandom (SystemFunction036),
 * which wine implements over the host's /dev/urandom. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG chunk = length > 0x40000000 ? 0x40000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
