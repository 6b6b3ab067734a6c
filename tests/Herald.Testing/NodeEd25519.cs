using System.Diagnostics;

namespace Herald.Testing;

/// <summary>
/// ed25519 done by Node's built-in crypto (OpenSSL): an implementation that shares no code with the BouncyCastle one
/// Herald uses, to check Herald's <c>v1a</c> signatures against and to make signatures Herald must accept.
/// </summary>
public static class NodeEd25519
{
    // The DER prefix of an ed25519 SubjectPublicKeyInfo (RFC 8410); the raw 32-byte key follows it.
    private const string SpkiPrefixHex = "302a300506032b6570032100";

    private const string VerifyScript = """
        const crypto = require('node:crypto');
        const fs = require('node:fs');
        const spki = Buffer.from(process.argv[2], 'hex');
        for (const line of fs.readFileSync(process.argv[1], 'utf8').trim().split('\n')) {
          const [pk, content, sig] = line.split('\t');
          const key = crypto.createPublicKey({ key: Buffer.concat([spki, Buffer.from(pk, 'base64')]), format: 'der', type: 'spki' });
          console.log(crypto.verify(null, Buffer.from(content, 'base64'), key, Buffer.from(sig, 'base64')));
        }
        """;

    private const string SignScript = """
        const crypto = require('node:crypto');
        const fs = require('node:fs');
        const { publicKey, privateKey } = crypto.generateKeyPairSync('ed25519');
        const spki = publicKey.export({ format: 'der', type: 'spki' });
        console.log(spki.subarray(spki.length - 32).toString('base64'));
        for (const content of fs.readFileSync(process.argv[1], 'utf8').trim().split('\n')) {
          console.log(crypto.sign(null, Buffer.from(content, 'base64'), privateKey).toString('base64'));
        }
        """;

    /// <summary>Node's verdict on each (raw public key in base64, signed bytes, signature in base64).</summary>
    public static async Task<IReadOnlyList<bool>> VerifyAsync(IEnumerable<(string PublicKey, byte[] Content, string Signature)> cases)
    {
        var lines = cases.Select(c => string.Join('\t', c.PublicKey, Convert.ToBase64String(c.Content), c.Signature)).ToList();
        var output = await RunAsync(VerifyScript, lines, SpkiPrefixHex);
        return output.Select(line => line switch
        {
            "true" => true,
            "false" => false,
            _ => throw new InvalidOperationException("Unexpected output from node: " + line),
        }).ToList();
    }

    /// <summary>Has Node make a new key pair and sign each content with it: the raw public key and the signatures, in base64.</summary>
    public static async Task<(string PublicKey, IReadOnlyList<string> Signatures)> SignAsync(IEnumerable<byte[]> contents)
    {
        var output = await RunAsync(SignScript, contents.Select(Convert.ToBase64String).ToList());
        return (output[0], output.Skip(1).ToList());
    }

    private static async Task<IReadOnlyList<string>> RunAsync(string script, IReadOnlyList<string> lines, params string[] extra)
    {
        using var dir = new TempDirectory();
        string input = dir.File("input.txt");
        await File.WriteAllLinesAsync(input, lines);
        var info = new ProcessStartInfo("node") { ArgumentList = { "-e", script, input } };
        foreach (var arg in extra)
        {
            info.ArgumentList.Add(arg);
        }
        (int exit, string output, bool timedOut) result;
        try
        {
            result = await ChildProcess.RunAsync(info, TimeSpan.FromSeconds(60));
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("Node.js is needed for the cross-implementation ed25519 tests: apt-get install nodejs.", ex);
        }
        if (result.timedOut || result.exit != 0)
        {
            throw new InvalidOperationException($"node {(result.timedOut ? "timed out" : "failed with " + result.exit)}: {result.output}");
        }
        return result.output.Trim().Split('\n');
    }
}
