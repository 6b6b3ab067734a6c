// The delivery queue's types (claims, results) are in every store's vocabulary.
global using Herald.Storage.Queue;
