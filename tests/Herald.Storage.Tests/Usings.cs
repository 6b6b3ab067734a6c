global using Herald.Storage.Queue;
